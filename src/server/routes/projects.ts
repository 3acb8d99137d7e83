import * as api from "../../api/shapes.js";
import { GitsyncError } from "../../core/errors.js";
import type { Route } from "../router.js";
import { requireTenant } from "./common.js";
import { compareProjects } from "../../sync/plan.js";

export const projectRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tenants/{tenant}/projects",
    access: "viewer",
    handler: async ({ params }, { store, sync }) => {
      const tenant = await requireTenant(store, params.tenant);
      const counts = new Map<string | null, number>();
      for (const resource of await store.listResources(tenant.slug)) counts.set(resource.project, (counts.get(resource.project) ?? 0) + 1);
      // The "yellow dot": what differs between the tenant and its branch, per project.
      // A provider that cannot be read (no token yet, unreachable) must not hide the projects.
      let pendingError: string | null = null;
      const pending = new Map(
        (
          await sync.snapshots.pending(tenant.slug).catch((error: unknown) => {
            pendingError = error instanceof GitsyncError ? error.message : "the repository could not be read";
            return [];
          })
        ).map((p) => [p.project, p]),
      );
      const names = new Set([...counts.keys(), ...pending.keys()]);
      const items = [...names].sort(compareProjects).map((name) => {
        const p = pending.get(name);
        return {
          name,
          resources: counts.get(name) ?? 0,
          pendingChanges: { created: p?.created ?? 0, updated: p?.updated ?? 0, deleted: p?.deleted ?? 0 },
        };
      });
      return { status: 200, body: { items, pendingError } satisfies api.ProjectList };
    },
  },
];
