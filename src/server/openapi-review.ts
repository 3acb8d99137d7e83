import * as api from "../api/shapes.js";
import { body, errors, kind, name, ok, ref, secured, tenant } from "./openapi-helpers.js";

/** The review part of the OpenAPI document: changed files, a resource's file and history, restore. */

const resource = "/api/v1/tenants/{tenant}/resources/{kind}/{name}";

export const reviewPaths = {
  [`${resource}/history`]: {
    parameters: [tenant, kind, name],
    get: {
      summary: "A resource's history: sync log entries that named it and (local provider) the commits of its file (viewer)",
      security: secured,
      responses: { "200": ok("Newest first", ref(api.ResourceHistory)), ...errors(400, 401, 404) },
    },
  },
  [`${resource}/file`]: {
    parameters: [
      tenant,
      kind,
      name,
      { name: "ref", in: "query", required: false, description: "A commit or branch (default: the tracked branch)", schema: { type: "string" } },
    ],
    get: {
      summary: "The resource's file exactly as it is in git at a commit (viewer)",
      security: secured,
      responses: { "200": ok("The file", ref(api.ResourceFile)), ...errors(400, 401, 404, 502) },
    },
  },
  "/api/v1/tenants/{tenant}/restore": {
    parameters: [tenant],
    post: {
      summary:
        "Restore the tenant, or some resources, as they were at a commit: the plan (dryRun), or applied as an app change (editor); refused with 400 validation_failed and details.diagnostics when the tenant would not be valid",
      security: secured,
      requestBody: body(api.RestoreInput),
      responses: { "200": ok("The outcome", ref(api.RestoreOutcome)), ...errors(400, 401, 403, 404, 413, 415, 502) },
    },
  },
} as const;
