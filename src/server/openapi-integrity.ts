import * as api from "../api/shapes.js";
import { errors, ok, param, ref, secured, tenant } from "./openapi-helpers.js";

/** The OpenAPI part for integrity and push verdicts: sync log entries, commit checks, the local push check. */

export const integrityPaths = {
  "/api/v1/tenants/{tenant}/log/{id}": {
    parameters: [tenant, param("id", "The sync log entry's id", { type: "integer", minimum: 1 })],
    get: {
      summary: "One sync log entry, with a refused sync's findings (viewer)",
      security: secured,
      responses: { "200": ok("The entry", ref(api.SyncLogEntry)), ...errors(401, 404) },
    },
  },
  "/api/v1/tenants/{tenant}/commits/{sha}/check": {
    parameters: [tenant, param("sha", "A commit id, or a prefix of 7 or more hex digits", { type: "string" })],
    get: {
      summary: "What gitsync did with a commit (applied or refused), with the findings (viewer)",
      security: secured,
      responses: { "200": ok("The verdict", ref(api.CommitCheck)), ...errors(401, 404) },
    },
  },
  "/webhooks/local/check": {
    post: {
      summary: "The local pre-receive hook's question: would inbound apply this push? Verified by its HMAC signature",
      responses: { "200": ok("The verdict and the lines to print", ref(api.PushAnswer)), ...errors(400, 401, 404, 413) },
    },
  },
};
