import * as api from "../api/shapes.js";
import { errors, ok, queryParameters, ref, secured, tenant } from "./openapi-helpers.js";

/** The OpenAPI part for drift: what differs between a tenant and its branch. */

export const driftPaths = {
  "/api/v1/tenants/{tenant}/drift": {
    parameters: [tenant],
    get: {
      summary: "What differs between the tenant and its branch, with each resource's direction (viewer)",
      description:
        "Reads the branch afresh and records the result. With recorded=true, answers what the last reconcile (or drift request) recorded, without reading the branch; 404 when none was recorded yet.",
      security: secured,
      parameters: queryParameters(api.DriftQuery),
      responses: { "200": ok("The drift", ref(api.TenantDrift)), ...errors(400, 401, 404, 502) },
    },
  },
};
