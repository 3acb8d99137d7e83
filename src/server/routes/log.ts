import type { SyncLogQuery } from "../../core/store.js";
import type { Route } from "../router.js";
import { requireTenant } from "./common.js";

export const DEFAULT_LOG_LIMIT = 50;

/** Query strings are text; numbers are turned into numbers so the schema can judge them. */
function queryObject(query: URLSearchParams): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of query) out[key] = /^\d{1,15}$/.test(value) ? Number(value) : value;
  return out;
}

export const logRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tenants/{tenant}/log",
    access: "viewer",
    handler: async ({ params, query }, { store, schemas }) => {
      const tenant = await requireTenant(store, params.tenant);
      const parsed = schemas.check<Partial<SyncLogQuery>>("SyncLogQuery", queryObject(query), "query");
      const limit = parsed.limit ?? DEFAULT_LOG_LIMIT;
      const items = await store.listSyncLog(tenant.slug, { ...parsed, limit });
      const last = items.at(-1);
      return { status: 200, body: { items, next: items.length === limit && last ? last.id : null } };
    },
  },
];
