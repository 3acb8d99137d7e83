import * as api from "../../api/shapes.js";
import { GitsyncError } from "../../core/errors.js";
import { isServerAdmin } from "../auth.js";
import type { Route } from "../router.js";

/** Who the caller is and what it reaches: the web UI asks this at sign-in to decide what to show. */
export const meRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/me",
    access: "viewer",
    handler: async ({ principal }) => {
      if (!principal) throw new GitsyncError("unauthorized", "a token is required");
      const { user, token } = principal;
      return {
        status: 200,
        body: {
          user: { name: user.name, email: user.email, role: user.role },
          token: { label: token.label, role: token.role, serverWide: token.serverWide, tenants: token.tenants },
          admin: isServerAdmin(token, user),
        } satisfies api.Me,
      };
    },
  },
];
