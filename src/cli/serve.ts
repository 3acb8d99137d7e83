import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { GitsyncError } from "../core/errors.js";
import { buildApp } from "../server/app.js";
import { loadConfig } from "../server/config.js";
import { uiRoutes } from "../server/ui.js";

const usage = `usage: gitsync serve

Runs the web UI, the REST API and the webhooks. Configuration comes from the environment
(and a .env file in the current folder, which Probot's GitHub App setup writes); see
.env.example for every variable.
`;

/** The environment, with a .env file's values under it (the real environment wins). */
function environment(cwd: string): Record<string, string | undefined> {
  const file = resolve(cwd, ".env");
  if (!existsSync(file)) return process.env;
  return { ...parseEnv(readFileSync(file, "utf8")), ...process.env };
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`gitsync serve: unexpected argument '${argv[0]}'\n${usage}`);
    return 2;
  }
  let app;
  try {
    app = await buildApp(loadConfig(environment(process.cwd())), { routes: uiRoutes() });
  } catch (error) {
    if (error instanceof GitsyncError) {
      process.stderr.write(`gitsync serve: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const started = app;
  // Handlers first: the "listening" line is written synchronously, and a SIGTERM sent on seeing
  // it must find them in place (without one, the signal kills the process outright).
  const stopped = new Promise<number>((resolveExit) => {
    const stop = (signal: NodeJS.Signals) => {
      started.log.info(`${signal}: finishing in-flight requests, then stopping`);
      started.close().then(
        () => resolveExit(0),
        (error: unknown) => {
          started.log.error({ err: error }, "error while stopping");
          resolveExit(1);
        },
      );
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await app.listen();
  return stopped;
}
