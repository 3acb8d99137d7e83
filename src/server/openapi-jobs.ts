import { JOB_KINDS, JOB_STATES } from "../core/jobs.js";
import { errors, nullable, ok, param, ref, secured, tenant } from "./openapi-helpers.js";

/** The OpenAPI part for durable background jobs: the tenant's list, and retrying a failed one. */

export const jobSchemas = {
  Job: {
    type: "object",
    required: ["id", "kind", "tenant", "lane", "state", "payload", "attempts", "error", "createdAt", "runAt", "finishedAt"],
    properties: {
      id: { type: "string", description: "A number on SQLite, a UUID on PostgreSQL (pg-boss)" },
      kind: { type: "string", enum: [...JOB_KINDS] },
      tenant: nullable("string"),
      lane: { type: "string", description: "Jobs of one lane run one at a time, in order" },
      state: { type: "string", enum: [...JOB_STATES] },
      payload: { type: "object", description: "What the job works on (a webhook's event, a snapshot's log entry)" },
      attempts: { type: "integer", minimum: 0 },
      error: { ...nullable("string"), description: "The last failure, secrets redacted" },
      createdAt: { type: "string", description: "ISO 8601" },
      runAt: { type: "string", description: "When it runs next (queued) or ran last (ISO 8601)" },
      finishedAt: nullable("string"),
    },
  },
  JobList: {
    type: "object",
    required: ["items"],
    properties: { items: { type: "array", items: ref("Job") } },
  },
} as const;

const query = (name: string, description: string, schema: object) => ({ name, in: "query", required: false, description, schema });

export const jobPaths = {
  "/api/v1/tenants/{tenant}/jobs": {
    parameters: [tenant],
    get: {
      summary: "The tenant's background jobs, newest first, failed ones with their error (viewer)",
      security: secured,
      parameters: [
        query("state", "Only jobs in this state", { type: "string", enum: [...JOB_STATES] }),
        query("limit", "At most this many", { type: "integer", minimum: 1, maximum: 200, default: 50 }),
      ],
      responses: { "200": ok("The jobs", ref("JobList")), ...errors(400, 401, 403, 404) },
    },
  },
  "/api/v1/tenants/{tenant}/jobs/{id}/retry": {
    parameters: [tenant, param("id", "The job's id")],
    post: {
      summary: "Queue a failed job again, with a fresh count of tries (admin)",
      security: secured,
      responses: { "202": ok("Queued again", ref("Job")), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
  },
} as const;
