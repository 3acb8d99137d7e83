import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "probot";

/** Probot's handler shape (its type is not exported). */
export type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | void | Promise<boolean | void>;

/**
 * Probot's manifest-based setup (the `/probot` pages that register the GitHub App from app.yml)
 * is what `probot run` offers with no APP_ID, but its package exports only the root module. The
 * setup app, its static files and its .env writer are loaded from Probot's own files instead of
 * being rewritten here.
 */
interface SetupOptions {
  host: string;
  port: number;
  log: Logger;
  updateEnv: (env: Record<string, string | undefined>) => unknown;
  SmeeClient: { createChannel(): Promise<string | undefined> };
}

export interface ProbotInternals {
  setupAppFactory(options: SetupOptions): () => Promise<Handler>;
  staticFilesHandler: Handler;
  // A free function (no `this`), handed around on its own.
  updateEnv: (env: Record<string, string>) => Record<string, string>;
}

export async function loadProbotInternals(): Promise<ProbotInternals> {
  const lib = dirname(createRequire(import.meta.url).resolve("probot"));
  const load = (file: string) => import(pathToFileURL(join(lib, file)).href) as Promise<Record<string, unknown>>;
  const [setup, files, env] = await Promise.all([
    load("apps/setup.js"),
    load("server/handlers/static-files.js"),
    load("helpers/update-env.js"),
  ]);
  const internals = {
    setupAppFactory: setup.setupAppFactory,
    staticFilesHandler: files.staticFilesHandler,
    updateEnv: env.updateEnv,
  };
  for (const [name, value] of Object.entries(internals)) {
    if (typeof value !== "function") throw new Error(`this Probot version has no ${name}`);
  }
  return internals as unknown as ProbotInternals;
}
