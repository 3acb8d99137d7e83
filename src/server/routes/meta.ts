import { GitsyncError } from "../../core/errors.js";
import { openapi } from "../openapi.js";
import type { Route } from "../router.js";
import type { ApiDeps } from "../deps.js";

async function databaseUp({ store, log }: ApiDeps, probe: string): Promise<boolean> {
  try {
    await store.ping();
    return true;
  } catch (error) {
    log.warn({ err: error }, `${probe}: the database does not answer`);
    return false;
  }
}

async function queueUp({ sync, log }: ApiDeps): Promise<boolean> {
  try {
    await sync.deps.jobs.ping();
    return true;
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, "readiness check: the job queue does not answer");
    return false;
  }
}

/**
 * `/metrics` on the main port, for admins; a 404 when GITSYNC_METRICS_PORT serves the metrics
 * on a port of their own (that port only, so the main port never answers with them).
 */
const metricsRoute: Route = {
  method: "GET",
  path: "/metrics",
  access: "admin",
  handler: async (_request, { config, metrics }) => {
    if (config.metricsPort !== null || !metrics) {
      throw new GitsyncError("not_found", "metrics are served on GITSYNC_METRICS_PORT, not here");
    }
    const { contentType, body } = await metrics.text();
    return { status: 200, raw: body, headers: { "content-type": contentType, "cache-control": "no-store" } };
  },
};

export const metaRoutes: Route[] = [
  {
    method: "GET",
    path: "/healthz",
    access: "public",
    handler: async (_request, deps) => {
      if (!deps.started.done) return { status: 503, body: { status: "starting", database: "up" } };
      return (await databaseUp(deps, "health check"))
        ? { status: 200, body: { status: "ok", database: "up" } }
        : { status: 503, body: { status: "unavailable", database: "down" } };
    },
  },
  {
    method: "GET",
    path: "/readyz",
    access: "public",
    // Ready to take traffic: the database answers and so does the job queue (pg-boss's schema
    // on PostgreSQL, the jobs table on SQLite).
    handler: async (_request, deps) => {
      const database = (await databaseUp(deps, "readiness check")) ? "up" : "down";
      const queue = (await queueUp(deps)) ? "up" : "down";
      const ok = database === "up" && queue === "up";
      return { status: ok ? 200 : 503, body: { status: ok ? "ok" : "unavailable", database, queue } };
    },
  },
  metricsRoute,
  ...["/openapi.json", "/api/v1/openapi.json"].map(
    (path): Route => ({
      method: "GET",
      path,
      access: "public",
      handler: async () => ({ status: 200, body: openapi }),
    }),
  ),
];
