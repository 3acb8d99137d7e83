import type { Route } from "../router.js";
import { connectionRoutes } from "./connections.js";
import { gitRoutes } from "./git.js";
import { laterRoutes, webhookRoutes } from "./later.js";
import { logRoutes } from "./log.js";
import { metaRoutes } from "./meta.js";
import { projectRoutes } from "./projects.js";
import { resourceRoutes } from "./resources.js";
import { tenantRoutes } from "./tenants.js";
import { tokenRoutes } from "./tokens.js";

/** Every route of the server, in DESIGN.md's order. */
export const apiRoutes: Route[] = [
  ...metaRoutes,
  ...tenantRoutes,
  ...resourceRoutes,
  ...projectRoutes,
  ...connectionRoutes,
  ...gitRoutes,
  ...laterRoutes,
  ...logRoutes,
  ...tokenRoutes,
  ...webhookRoutes,
];
