import { errors, nullable, ok, param, ref, secured, tenant } from "./openapi-helpers.js";

/** The OpenAPI part for integrity and push verdicts: sync log entries, commit checks, the local push check. */

const findings = {
  diagnostics: { type: "array", items: ref("Diagnostic"), description: "The first 100 findings, errors first" },
  diagnosticCount: { type: "integer", minimum: 0, description: "How many findings there were in all" },
};

export const integritySchemas = {
  IntegrityReport: {
    type: ["object", "null"],
    description: "The whole-tenant check made at start; null until it ran. An invalid tenant is checked again after each change",
    required: ["valid", "checkedAt", "diagnostics", "diagnosticCount"],
    properties: { valid: { type: "boolean" }, checkedAt: { type: "string" }, ...findings },
  },
  LastPush: {
    type: ["object", "null"],
    description: "The newest push's outcome; `refused` stays true until a later push applies",
    required: ["logId", "commitSha", "status", "refused", "error", "diagnostics", "diagnosticCount", "at"],
    properties: {
      logId: { type: "integer" },
      commitSha: nullable("string"),
      status: { enum: ["queued", "syncing", "done", "failed", "skipped", "conflict"] },
      refused: { type: "boolean" },
      error: nullable("string"),
      ...findings,
      at: { type: "string" },
    },
  },
  CommitCheck: {
    type: "object",
    required: ["sha", "verdict", "logId", "direction", "status", "error", "diagnostics", "diagnosticCount", "createdAt"],
    properties: {
      sha: { type: "string" },
      verdict: { type: "string", description: "applied, refused, applied-with-conflicts, or the entry's status" },
      logId: { type: "integer" },
      direction: { enum: ["INBOUND", "OUTBOUND", "SNAPSHOT", "IMPORT"] },
      status: { enum: ["queued", "syncing", "done", "failed", "skipped", "conflict"] },
      error: nullable("string"),
      ...findings,
      createdAt: { type: "string" },
    },
  },
  PushAnswer: {
    type: "object",
    required: ["accepted", "lines"],
    properties: {
      accepted: { type: "boolean" },
      delivery: { type: "string" },
      lines: { type: "array", items: { type: "string" }, description: "What the hook prints; findings as `file:line:col: severity code: message`" },
    },
  },
};

/** Fields every sync log entry carries (merged into SyncLogEntry). */
export const syncLogFindings = findings;

export const integrityPaths = {
  "/api/v1/tenants/{tenant}/log/{id}": {
    parameters: [tenant, param("id", "The sync log entry's id", { type: "integer", minimum: 1 })],
    get: {
      summary: "One sync log entry, with a refused sync's findings (viewer)",
      security: secured,
      responses: { "200": ok("The entry", ref("SyncLogEntry")), ...errors(401, 404) },
    },
  },
  "/api/v1/tenants/{tenant}/commits/{sha}/check": {
    parameters: [tenant, param("sha", "A commit id, or a prefix of 7 or more hex digits", { type: "string" })],
    get: {
      summary: "What gitsync did with a commit (applied or refused), with the findings (viewer)",
      security: secured,
      responses: { "200": ok("The verdict", ref("CommitCheck")), ...errors(401, 404) },
    },
  },
  "/webhooks/local/check": {
    post: {
      summary: "The local pre-receive hook's question: would inbound apply this push? Verified by its HMAC signature",
      responses: { "200": ok("The verdict and the lines to print", ref("PushAnswer")), ...errors(400, 401, 404, 413) },
    },
  },
};
