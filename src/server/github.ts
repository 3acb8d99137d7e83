import type { IncomingMessage, ServerResponse } from "node:http";
import { createNodeMiddleware, createProbot, type ApplicationFunction, type Logger } from "probot";
import { githubAppConfigured, type ServerConfig } from "./config.js";
import { loadProbotInternals } from "./probot-internals.js";

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface GithubOptions {
  config: ServerConfig;
  log: Logger;
  /** The GitHub App's event handlers (the sync and check issues add theirs). */
  app?: ApplicationFunction;
  /** Where manifest setup writes APP_ID, PRIVATE_KEY and WEBHOOK_SECRET (default: .env). */
  updateEnv?: (env: Record<string, string>) => unknown;
}

export interface GithubWiring {
  mode: "app" | "setup" | "unavailable";
  handler: NodeHandler;
}

/** Probot's settings under Probot's names, from the config object (not process.env). */
function probotEnv(config: ServerConfig): Record<string, string> {
  const { github } = config;
  const env: Record<string, string> = { WEBHOOK_PATH: github.webhookPath, GHE_PROTOCOL: github.gheProtocol };
  const set = (name: string, value: string | null) => {
    if (value !== null) env[name] = value;
  };
  set("APP_ID", github.appId);
  set("PRIVATE_KEY", github.privateKey);
  set("PRIVATE_KEY_PATH", github.privateKeyPath);
  set("WEBHOOK_SECRET", github.webhookSecret);
  set("GHE_HOST", github.gheHost);
  return env;
}

/**
 * GitHub through Probot: with an App configured, Probot's webhook route and the app's handlers;
 * without one, Probot's manifest setup pages. Either way the handler returns false for a request
 * it does not own, so the server can answer it.
 */
export async function wireGithub(options: GithubOptions): Promise<GithubWiring> {
  const { config, log } = options;
  if (githubAppConfigured(config)) {
    const probot = createProbot({ env: probotEnv(config), overrides: { log } });
    const middleware = await createNodeMiddleware(options.app ?? (() => undefined), {
      probot,
      webhooksPath: config.github.webhookPath,
    });
    return { mode: "app", handler: async (req, res) => (await middleware(req, res)) === true };
  }

  let internals;
  try {
    internals = await loadProbotInternals();
  } catch (error) {
    log.warn({ err: error }, "GitHub App setup pages are unavailable; set APP_ID and PRIVATE_KEY to use GitHub");
    return { mode: "unavailable", handler: async () => false };
  }
  const write = options.updateEnv ?? internals.updateEnv;
  // Probot's setup prints a welcome banner while it starts, pointing at this server's own page
  // as if it were Probot's setup: gitsync prints its own banner instead.
  const setupLog = log.child({ name: "setup" });
  let starting = true;
  const quietWhileStarting = new Proxy(setupLog, {
    get(target, property, receiver) {
      if (property === "info" && starting) return () => undefined;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const setup = await internals.setupAppFactory({
    host: config.host ?? "localhost",
    port: config.port,
    log: quietWhileStarting,
    // Probot writes undefined for a webhook proxy it could not create; skip those.
    updateEnv: (env) => {
      const defined = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string"));
      return Object.keys(defined).length > 0 ? write(defined) : defined;
    },
    // gitsync receives webhooks directly: no smee.io channel is created (that would fetch a package at run time).
    SmeeClient: { createChannel: async () => undefined },
  })();
  starting = false;
  const { staticFilesHandler } = internals;
  return {
    mode: "setup",
    handler: async (req, res) => (await staticFilesHandler(req, res)) === true || (await setup(req, res)) === true,
  };
}
