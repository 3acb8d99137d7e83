import { body, errors, kind, name, nullable, ok, ref, secured, tenant } from "./openapi-helpers.js";

/** The review part of the OpenAPI document: changed files, a resource's file and history, restore. */

const sha = { type: "string", pattern: "^[0-9a-f]{7,64}$" };
const resourceRef = {
  type: "object",
  required: ["kind", "name"],
  additionalProperties: false,
  properties: {
    kind: { type: "string", minLength: 1, maxLength: 100, description: "The kind's folder name (models, syncs, ...)" },
    name: { type: "string", pattern: "^[a-z0-9][a-z0-9._-]{0,99}$" },
  },
};

export const reviewSchemas = {
  FileDiff: {
    type: "object",
    required: ["path", "status", "binary", "hunks"],
    properties: {
      path: { type: "string" },
      status: { enum: ["added", "modified", "deleted", "renamed"] },
      previousPath: { type: "string" },
      binary: { type: "boolean", description: "Not UTF-8 text on one side: no hunks" },
      hunks: {
        type: "array",
        items: {
          type: "object",
          required: ["oldStart", "oldLines", "newStart", "newLines", "lines"],
          properties: {
            oldStart: { type: "integer", minimum: 0 },
            oldLines: { type: "integer", minimum: 0 },
            newStart: { type: "integer", minimum: 0 },
            newLines: { type: "integer", minimum: 0 },
            lines: { type: "array", items: { type: "string" }, description: 'Each starts with " ", "+" or "-"' },
          },
        },
      },
    },
  },
  ResourceFile: {
    type: "object",
    required: ["path", "sha", "content", "binary"],
    properties: {
      path: { type: "string" },
      sha,
      content: { type: "string", description: "The file exactly as committed (base64 when `binary`)" },
      binary: { type: "boolean" },
    },
  },
  ResourceHistory: {
    type: "object",
    required: ["kind", "name", "paths", "branch", "head", "items"],
    properties: {
      kind: { type: "string" },
      name: { type: "string" },
      paths: { type: "array", items: { type: "string" }, description: "Where its file may be" },
      branch: { type: "string" },
      head: nullable("string"),
      items: {
        type: "array",
        items: {
          type: "object",
          required: ["direction", "commitSha", "author", "at", "status", "logId", "subject"],
          properties: {
            direction: { enum: ["app", "git", "INBOUND", "OUTBOUND", "SNAPSHOT", "IMPORT"] },
            commitSha: nullable("string"),
            author: nullable("string"),
            at: { type: "string" },
            status: { type: ["string", "null"] },
            logId: { type: ["integer", "null"] },
            subject: nullable("string"),
          },
        },
      },
    },
  },
  RestoreInput: {
    type: "object",
    required: ["ref"],
    additionalProperties: false,
    properties: {
      ref: { type: "string", minLength: 1, maxLength: 255, description: "A commit or branch of the tenant's repository" },
      resources: { type: "array", maxItems: 1000, items: resourceRef, description: "Only these; the whole tenant when absent" },
      dryRun: { type: "boolean", description: "Only compute the plan" },
    },
  },
  RestoreOutcome: {
    type: "object",
    required: ["status", "sha", "plan", "logId"],
    properties: {
      status: { enum: ["planned", "applied", "unchanged"] },
      sha,
      plan: ref("Plan"),
      logId: { type: ["integer", "null"] },
    },
  },
} as const;

const resource = "/api/v1/tenants/{tenant}/resources/{kind}/{name}";

export const reviewPaths = {
  [`${resource}/history`]: {
    parameters: [tenant, kind, name],
    get: {
      summary: "A resource's history: sync log entries that named it and (local provider) the commits of its file (viewer)",
      security: secured,
      responses: { "200": ok("Newest first", ref("ResourceHistory")), ...errors(400, 401, 404) },
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
      responses: { "200": ok("The file", ref("ResourceFile")), ...errors(400, 401, 404, 502) },
    },
  },
  "/api/v1/tenants/{tenant}/restore": {
    parameters: [tenant],
    post: {
      summary:
        "Restore the tenant, or some resources, as they were at a commit: the plan (dryRun), or applied as an app change (editor); refused with 400 validation_failed and details.diagnostics when the tenant would not be valid",
      security: secured,
      requestBody: body("RestoreInput"),
      responses: { "200": ok("The outcome", ref("RestoreOutcome")), ...errors(400, 401, 403, 404, 413, 415, 502) },
    },
  },
} as const;
