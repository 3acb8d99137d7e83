import { GitsyncError, NotFoundError } from "../../core/errors.js";
import type { Route } from "../router.js";
import { requireTenant } from "./common.js";

/** Drift: what differs between the tenant and its branch, read now or as the last reconcile found it. */
export const driftRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tenants/{tenant}/drift",
    access: "viewer",
    handler: async ({ params, query }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      const recorded = query.get("recorded");
      if (recorded !== null && recorded !== "true" && recorded !== "false") {
        throw new GitsyncError("bad_request", "recorded must be true or false", { field: "recorded" });
      }
      if (recorded !== "true") return { status: 200, body: await deps.sync.drift(tenant.slug) };
      const drift = await deps.store.getDrift(tenant.slug);
      if (drift === null) throw new NotFoundError(`no drift recorded for tenant ${tenant.slug} yet`, { tenant: tenant.slug });
      return { status: 200, body: drift };
    },
  },
];
