import * as api from "../../api/shapes.js";
import { NotFoundError } from "../../core/errors.js";
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
      const { recorded } = deps.schemas.checkQuery(api.DriftQuery, query);
      if (recorded !== "true") return { status: 200, body: (await deps.sync.drift(tenant.slug)) satisfies api.TenantDrift };
      const drift = await deps.store.getDrift(tenant.slug);
      if (drift === null) throw new NotFoundError(`no drift recorded for tenant ${tenant.slug} yet`, { tenant: tenant.slug });
      return { status: 200, body: drift satisfies api.TenantDrift };
    },
  },
];
