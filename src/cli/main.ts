#!/usr/bin/env node
/**
 * The `gitsync` command. Each subcommand lives in its own module and is loaded on demand, so
 * `gitsync validate` never pays for the server's dependencies.
 */
const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  validate: () => import("./validate.js"),
  serve: () => import("./serve.js"),
};

const usage = `usage: gitsync <command> [options]

commands:
  serve                 run the server (web UI, REST API, webhooks)
  validate [dir]        validate a checkout offline (--format text|json, --connections file)
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`gitsync: unknown command '${name}'\n${usage}`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gitsync: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
