import * as api from "../api/shapes.js";
import { errors, ok, param, queryParameters, ref, secured, tenant } from "./openapi-helpers.js";

/** The OpenAPI part for durable background jobs: the tenant's list, and retrying a failed one. */


export const jobPaths = {
  "/api/v1/tenants/{tenant}/jobs": {
    parameters: [tenant],
    get: {
      summary: "The tenant's background jobs, newest first, failed ones with their error (viewer)",
      security: secured,
      parameters: queryParameters(api.JobQuery),
      responses: { "200": ok("The jobs", ref(api.JobList)), ...errors(400, 401, 403, 404) },
    },
  },
  "/api/v1/tenants/{tenant}/jobs/{id}/retry": {
    parameters: [tenant, param("id", "The job's id")],
    post: {
      summary: "Queue a failed job again, with a fresh count of tries (admin)",
      security: secured,
      responses: { "202": ok("Queued again", ref(api.Job)), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
  },
} as const;
