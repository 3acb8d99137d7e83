import { ConflictError } from "../../core/errors.js";
import type { Route } from "../router.js";

interface TenantInput {
  slug: string;
  name: string;
}

export const tenantRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tenants",
    access: "viewer",
    handler: async (_request, { store }) => ({ status: 200, body: { items: await store.listTenants() } }),
  },
  {
    method: "POST",
    path: "/api/v1/tenants",
    access: "admin",
    handler: async ({ body }, { store, schemas, sync }) => {
      const input = schemas.check<TenantInput>("TenantInput", body);
      if (await store.getTenant(input.slug)) throw new ConflictError(`tenant ${input.slug} exists`, { slug: input.slug });
      const tenant = await store.createTenant(input);
      // Its repository and branch exist when the answer comes: a clone works at once. A failure
      // is in the log and the sync log; the tenant stands, and its first write commits anyway.
      await sync.initialise(tenant.slug).catch(() => undefined);
      return { status: 201, body: tenant };
    },
  },
];
