import type { Route } from "../router.js";
import { connectionRoutes } from "./connections.js";
import { driftRoutes } from "./drift.js";
import { gitRoutes } from "./git.js";
import { gitWebhookRoutes } from "./git-webhook.js";
import { jobRoutes } from "./jobs.js";
import { localPushCheckRoutes } from "./local-push.js";
import { logRoutes } from "./log.js";
import { meRoutes } from "./me.js";
import { metaRoutes } from "./meta.js";
import { projectRoutes } from "./projects.js";
import { pullRoutes } from "./pulls.js";
import { resourceHistoryRoutes } from "./resource-history.js";
import { resourceRoutes } from "./resources.js";
import { syncRoutes } from "./sync.js";
import { tenantRoutes } from "./tenants.js";
import { tokenRoutes } from "./tokens.js";
import { webhookRoutes } from "./webhooks.js";

/** Every route of the server, grouped as the API's route table lists them. */
export const apiRoutes: Route[] = [
  ...metaRoutes,
  ...tenantRoutes,
  ...resourceRoutes,
  ...resourceHistoryRoutes,
  ...projectRoutes,
  ...connectionRoutes,
  ...gitRoutes,
  ...syncRoutes,
  ...driftRoutes,
  ...logRoutes,
  ...jobRoutes,
  ...pullRoutes,
  ...tokenRoutes,
  ...meRoutes,
  // Before the webhooks: `/webhooks/local/check` is more specific than `/webhooks/{provider}`.
  ...localPushCheckRoutes,
  ...gitWebhookRoutes,
  ...webhookRoutes,
];
