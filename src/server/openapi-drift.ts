import { errors, nullable, ok, ref, secured, tenant } from "./openapi-helpers.js";

/** The OpenAPI part for drift: what differs between a tenant and its branch. */

export const driftSchemas = {
  TenantDrift: {
    type: "object",
    required: ["head", "lastAppliedSha", "inSync", "items", "checkedAt"],
    additionalProperties: false,
    properties: {
      head: { ...nullable("string"), description: "The branch head compared with; null when the branch does not exist" },
      lastAppliedSha: { ...nullable("string"), description: "The last commit applied to the tenant when it was compared" },
      inSync: { type: "boolean", description: "True when no exportable resource differs" },
      items: { type: "array", items: ref("DriftItem") },
      checkedAt: { type: "string", description: "When it was compared (ISO 8601)" },
    },
  },
  DriftItem: {
    type: "object",
    required: ["kind", "name", "project", "direction"],
    additionalProperties: false,
    properties: {
      kind: { type: "string" },
      name: { type: "string" },
      project: nullable("string"),
      direction: {
        enum: ["git-only", "app-only", "differs"],
        description: "git-only: in the branch, not in the tenant; app-only: in the tenant, not in the branch; differs: in both, not the same",
      },
    },
  },
};

export const driftPaths = {
  "/api/v1/tenants/{tenant}/drift": {
    parameters: [tenant],
    get: {
      summary: "What differs between the tenant and its branch, with each resource's direction (viewer)",
      description:
        "Reads the branch afresh and records the result. With recorded=true, answers what the last reconcile (or drift request) recorded, without reading the branch; 404 when none was recorded yet.",
      security: secured,
      parameters: [{ name: "recorded", in: "query", required: false, schema: { enum: ["true", "false"] }, description: "Answer the last recorded drift" }],
      responses: { "200": ok("The drift", ref("TenantDrift")), ...errors(400, 401, 404, 502) },
    },
  },
};
