import * as api from "../../api/shapes.js";
import { NotFoundError } from "../../core/errors.js";
import type { SyncLogEntry } from "../../core/types.js";
import type { Route } from "../router.js";
import { param, requireTenant } from "./common.js";


/** What a commit's sync log entry means for it, in the words of a check. */
function verdictOf(entry: SyncLogEntry): string {
  switch (entry.status) {
    case "done":
      return "applied";
    case "failed":
      return "refused";
    case "conflict":
      return "applied-with-conflicts";
    default:
      return entry.status;
  }
}

export const logRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tenants/{tenant}/log",
    access: "viewer",
    handler: async ({ params, query }, { store, schemas }) => {
      const tenant = await requireTenant(store, params.tenant);
      const parsed = schemas.checkQuery(api.SyncLogQuery, query);
      const limit = parsed.limit ?? api.DEFAULT_LOG_LIMIT;
      const items = await store.listSyncLog(tenant.slug, { ...parsed, limit });
      const last = items.at(-1);
      return { status: 200, body: { items, next: items.length === limit && last ? last.id : null } satisfies api.SyncLogPage };
    },
  },
  {
    method: "GET",
    path: "/api/v1/tenants/{tenant}/log/{id}",
    access: "viewer",
    handler: async ({ params }, { store }) => {
      const tenant = await requireTenant(store, params.tenant);
      const raw = param(params, "id");
      const entry = /^\d{1,15}$/.test(raw) ? await store.getSyncLog(tenant.slug, Number(raw)) : null;
      if (!entry) throw new NotFoundError(`no sync log entry ${raw} in tenant ${tenant.slug}`, { id: raw });
      return { status: 200, body: entry satisfies api.SyncLogEntry };
    },
  },
  {
    method: "GET",
    path: "/api/v1/tenants/{tenant}/commits/{sha}/check",
    access: "viewer",
    handler: async ({ params }, { store }) => {
      const tenant = await requireTenant(store, params.tenant);
      const sha = param(params, "sha").toLowerCase();
      const found = /^[0-9a-f]{7,64}$/.test(sha) ? await store.listSyncLog(tenant.slug, { limit: 1, commitSha: sha }) : [];
      const entry = found[0];
      if (!entry) throw new NotFoundError(`tenant ${tenant.slug} has no verdict on commit ${sha}`, { sha });
      return {
        status: 200,
        body: {
          sha: entry.commitSha,
          verdict: verdictOf(entry),
          logId: entry.id,
          direction: entry.direction,
          status: entry.status,
          error: entry.error,
          diagnostics: entry.diagnostics,
          diagnosticCount: entry.diagnosticCount,
          createdAt: entry.createdAt,
        },
      };
    },
  },
];
