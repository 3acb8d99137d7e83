import type { IncomingMessage, ServerResponse } from "node:http";
import { chmodSync, closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { createNodeMiddleware, createProbot, type ApplicationFunction, type Logger } from "probot";
import { GitsyncError } from "../core/errors.js";
import type { Store } from "../core/store.js";
import { githubAppConfigured, type ServerConfig } from "./config.js";
import { GITHUB_WEBHOOK_BODY_LIMIT, isGithubWebhook, preReadGithubDelivery, refuseWithoutApp } from "./github-webhook-body.js";
import { dropUnreadBody, errorBody, readRawBody, sendJson } from "./http.js";
import { loadProbotInternals, type Handler } from "./probot-internals.js";
import { protectSetupAnswer } from "./setup-headers.js";
import { checkAppSettings, checkSetupAccess, isSetupPath, SETUP_CHALLENGE } from "./setup-guard.js";

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface GithubOptions {
  config: ServerConfig;
  log: Logger;
  /** Who is an admin: only admins reach the App setup pages. */
  store: Store;
  /** The GitHub App's event handlers (sync and the PR checks register theirs). */
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
 * without one, Probot's manifest setup pages, for admins only. Either way the handler returns
 * false for a request it does not own, so the server can answer it, and a delivery's body is
 * never read past GitHub's own maximum.
 */
export async function wireGithub(options: GithubOptions): Promise<GithubWiring> {
  const { config } = options;
  const webhookPath = config.github.webhookPath;
  if (githubAppConfigured(config)) {
    const probot = createProbot({ env: probotEnv(config), overrides: { log: options.log } });
    const middleware = await createNodeMiddleware(options.app ?? (() => undefined), { probot, webhooksPath: webhookPath });
    return {
      mode: "app",
      handler: async (req, res) => {
        if (isGithubWebhook(req, webhookPath) && !(await preReadGithubDelivery(req, res, GITHUB_WEBHOOK_BODY_LIMIT))) return true;
        return (await middleware(req, res)) === true;
      },
    };
  }
  const setup = await setupPages(options);
  return {
    mode: setup === null ? "unavailable" : "setup",
    handler: async (req, res) => {
      if (isGithubWebhook(req, webhookPath)) {
        refuseWithoutApp(req, res, GITHUB_WEBHOOK_BODY_LIMIT);
        return true;
      }
      return setup === null ? false : setup(req, res);
    },
  };
}

/** Probot writes `.env` in the working folder; it holds the App's private key, so only its owner reads it. */
function privateEnvWriter(write: (env: Record<string, string>) => unknown): (env: Record<string, string>) => unknown {
  return (env) => {
    const file = join(process.cwd(), ".env");
    closeSync(openSync(file, "a", 0o600));
    chmodSync(file, 0o600);
    return write(env);
  };
}

/** Probot's manifest setup behind the admin check, or null when this Probot has none. */
async function setupPages(options: GithubOptions): Promise<NodeHandler | null> {
  const { config, log, store } = options;
  let internals;
  try {
    internals = await loadProbotInternals();
  } catch (error) {
    log.warn({ err: error }, "GitHub App setup pages are unavailable; set APP_ID and PRIVATE_KEY to use GitHub");
    return null;
  }
  const write = options.updateEnv ?? privateEnvWriter(internals.updateEnv);
  // Set once the App's settings are written: the pages then refuse, until a restart uses them.
  let configured = false;
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
  const probotSetup = await internals.setupAppFactory({
    host: config.host ?? "localhost",
    port: config.port,
    log: quietWhileStarting,
    // Probot writes undefined for a webhook proxy it could not create; skip those.
    updateEnv: (env) => {
      const defined = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string"));
      if (Object.keys(defined).length === 0) return defined;
      checkAppSettings(defined);
      const written = write(defined);
      configured = true;
      return written;
    },
    // gitsync receives webhooks directly: no smee.io channel is created (that would fetch a package at run time).
    SmeeClient: { createChannel: async () => undefined },
  })();
  starting = false;
  const pages: Handler = async (req, res) => (await internals.staticFilesHandler(req, res)) === true || (await probotSetup(req, res)) === true;
  const githubOrigin = `https://${config.github.gheHost ?? "github.com"}`;
  return async (req, res) => {
    const path = new URL(req.url ?? "/", "http://server.invalid").pathname;
    // Probot's other answer is a redirect from `/` to its pages, when the web UI is not served.
    if (!isSetupPath(path)) return (await probotSetup(req, res)) === true;
    protectSetupAnswer(res, githubOrigin);
    try {
      await checkSetupAccess(store, req);
      if (configured && !/^\/probot\/(success|static\/)/.test(path)) {
        throw new GitsyncError("not_found", "the GitHub App is configured: restart gitsync to use it");
      }
      if (req.method === "POST") await preReadSetupForm(req, config.bodyLimit);
      return (await pages(req, res)) === true;
    } catch (error) {
      const { status, body } = errorBody(error);
      dropUnreadBody(req, res);
      sendJson(res, status, body, status === 401 ? { "www-authenticate": SETUP_CHALLENGE } : {});
      return true;
    }
  };
}

/** The import form's JSON, read within the body limit and checked, then handed to Probot as read. */
async function preReadSetupForm(req: IncomingMessage, limit: number): Promise<void> {
  const text = (await readRawBody(req, limit)).toString("utf8");
  try {
    JSON.parse(text);
  } catch {
    throw new GitsyncError("bad_request", "request body is not valid JSON");
  }
  Object.assign(req, { body: text });
}
