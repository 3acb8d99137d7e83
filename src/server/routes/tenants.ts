import * as api from "../../api/shapes.js";
import { ConflictError, GitsyncError } from "../../core/errors.js";
import { roleIn } from "../auth.js";
import type { Route } from "../router.js";

export const tenantRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tenants",
    access: "viewer",
    // Only the tenants the token can read, each with the role it acts with there.
    handler: async ({ principal }, { store }) => {
      if (!principal) throw new GitsyncError("unauthorized", "a token is required");
      const items = [];
      for (const tenant of await store.listTenants()) {
        const role = roleIn(principal.token, principal.user, tenant.slug);
        if (role !== null) items.push({ ...tenant, role });
      }
      return { status: 200, body: { items } satisfies api.TenantList };
    },
  },
  {
    method: "POST",
    path: "/api/v1/tenants",
    access: "admin",
    handler: async ({ body }, { store, schemas, sync }) => {
      const input = schemas.check(api.TenantInput, body);
      if (await store.getTenant(input.slug)) throw new ConflictError(`tenant ${input.slug} exists`, { slug: input.slug });
      const tenant = await store.createTenant(input);
      // Its repository and branch exist when the answer comes: a clone works at once. A failure
      // is in the log and the sync log; the tenant stands, and its first write commits anyway.
      await sync.initialise(tenant.slug).catch(() => undefined);
      return { status: 201, body: tenant satisfies api.Tenant };
    },
  },
];
