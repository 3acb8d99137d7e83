import { GitsyncError } from "../../core/errors.js";
import type { Access } from "../auth.js";
import type { Method, Route } from "../router.js";
import { requireTenant } from "./common.js";

/**
 * Routes of DESIGN.md that the sync issue implements. They exist now, check the caller and the
 * tenant like the real ones will, and answer 501.
 */
function later(method: Method, path: string, access: Access, what: string): Route {
  return {
    method,
    path: `/api/v1/tenants/{tenant}${path}`,
    access,
    handler: async ({ params }, { store }) => {
      await requireTenant(store, params.tenant);
      throw new GitsyncError("not_implemented", `${what} is not implemented yet`, { route: `${method} ${path}` });
    },
  };
}

export const laterRoutes: Route[] = [
  later("POST", "/snapshots", "editor", "sync changes (snapshots)"),
  later("GET", "/snapshots/{id}", "viewer", "snapshot status"),
  later("POST", "/imports", "admin", "import"),
  later("POST", "/resync", "admin", "resync"),
  later("GET", "/pulls", "viewer", "local pull requests"),
  later("POST", "/pulls", "editor", "local pull requests"),
  later("GET", "/pulls/{n}", "viewer", "local pull requests"),
  later("POST", "/pulls/{n}/merge", "admin", "merging local pull requests"),
];

/** Provider webhooks other than GitHub's (Probot's): wired by the provider issue. */
export const webhookRoutes: Route[] = (["gitlab", "bitbucket", "local"] as const).map((provider) => ({
  method: "POST",
  path: `/webhooks/${provider}`,
  access: "public",
  handler: async () => {
    throw new GitsyncError("not_implemented", `${provider} webhooks are not implemented yet`, { provider });
  },
}));
