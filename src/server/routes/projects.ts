import type { Route } from "../router.js";
import { requireTenant } from "./common.js";

export const projectRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tenants/{tenant}/projects",
    access: "viewer",
    handler: async ({ params }, { store }) => {
      const tenant = await requireTenant(store, params.tenant);
      const counts = new Map<string | null, number>();
      for (const resource of await store.listResources(tenant.slug)) {
        if (!resource.archived) counts.set(resource.project, (counts.get(resource.project) ?? 0) + 1);
      }
      // pendingChanges is the sync issue's to fill; the shape is final.
      const items = [...counts]
        .map(([name, resources]) => ({ name, resources, pendingChanges: 0 }))
        .sort((a, b) => (a.name ?? "\uffff").localeCompare(b.name ?? "\uffff"));
      return { status: 200, body: { items } };
    },
  },
];
