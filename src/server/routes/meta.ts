import { openapi } from "../openapi.js";
import type { Route } from "../router.js";

export const metaRoutes: Route[] = [
  {
    method: "GET",
    path: "/healthz",
    access: "public",
    handler: async (_request, { store, log, started }) => {
      if (!started.done) return { status: 503, body: { status: "starting", database: "up" } };
      try {
        await store.ping();
        return { status: 200, body: { status: "ok", database: "up" } };
      } catch (error) {
        log.warn({ err: error }, "health check: the database does not answer");
        return { status: 503, body: { status: "unavailable", database: "down" } };
      }
    },
  },
  ...["/openapi.json", "/api/v1/openapi.json"].map(
    (path): Route => ({
      method: "GET",
      path,
      access: "public",
      handler: async () => ({ status: 200, body: openapi }),
    }),
  ),
];
