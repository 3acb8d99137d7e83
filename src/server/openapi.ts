/**
 * The API's OpenAPI 3.1 document, as data. Its schemas are the API's shapes (src/api), the same
 * values that validate requests (schemas.ts) and type the routes, the web UI and the CLI, so
 * the document cannot drift from what the server accepts; a test checks that every route the
 * router has is here and that real responses match.
 */

import * as api from "../api/shapes.js";
import { body, errors, etag, ifMatch, ifNoneMatch, json, kind, name, ok, param, queryParameters, ref, secured, tenant } from "./openapi-helpers.js";
import { componentSchemas } from "../api/components.js";
import { integrityPaths } from "./openapi-integrity.js";
import { syncPaths } from "./openapi-git-routes.js";
import { driftPaths } from "./openapi-drift.js";
import { reviewPaths } from "./openapi-review.js";
import { jobPaths } from "./openapi-jobs.js";

const mergePatch = (description: string) => ({
  required: true,
  description,
  content: { "application/merge-patch+json": { schema: { type: "object" } } },
});

const gitEtag = { ETag: { description: "A digest of the git connection as shown", schema: { type: "string" } } };
const gitIfMatch = { ...ifMatch, description: "Write only if the git connection still has this ETag; else 412" };

const errorResponse = (description: string) => ({ description, content: json(ref(api.ErrorBody)) });

export const openapi = {
  openapi: "3.1.0",
  info: {
    title: "gitsync",
    version: "1.0.0",
    description:
      "Keeps a tenant's configuration in git in both directions. Authenticate with `Authorization: Bearer <token>`; roles are viewer (read), editor (write resources and connections) and admin (everything).",
  },
  servers: [{ url: "/" }],
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    responses: {
      E400: {
        description: "Bad request, or the resource failed validation (details.diagnostics)",
        content: json(ref(api.ErrorBody)),
      },
      E401: errorResponse("Missing or unknown token"),
      E403: errorResponse("The token's role (in this tenant) may not do this"),
      E404: errorResponse("No such tenant (or one the token cannot read), kind, resource, connection or route"),
      E409: errorResponse("It already exists, or live resources still name it (details.referrers: kind, name, field)"),
      E412: errorResponse("The If-Match version is not the current one (or If-None-Match: * and it exists)"),
      E413: errorResponse("The request body is over the size limit"),
      E415: errorResponse("The request body is not application/json (for PATCH: not application/merge-patch+json)"),
      E502: errorResponse("The git provider failed or answered unexpectedly"),
    },
    schemas: componentSchemas,
  },
  paths: {
    "/healthz": {
      get: {
        summary: "200 when start-up is done and the database answers, else 503",
        responses: { "200": ok("Healthy", ref(api.Health)), "503": ok("Starting, or the database does not answer", ref(api.Health)) },
      },
    },
    "/readyz": {
      get: {
        summary: "200 when the server can do its work: the database answers and the job queue runs; else 503",
        responses: { "200": ok("Ready", ref(api.Health)), "503": ok("Not ready", ref(api.Health)) },
      },
    },
    "/metrics": {
      get: {
        summary: "Prometheus metrics in text format (admin); 404 when GITSYNC_METRICS_PORT serves them on their own port",
        security: secured,
        responses: {
          "200": { description: "Prometheus text exposition format", content: { "text/plain": { schema: { type: "string" } } } },
          ...errors(401, 403, 404),
        },
      },
    },
    "/openapi.json": { get: { summary: "This document", responses: { "200": ok("OpenAPI 3.1", { type: "object" }) } } },
    "/api/v1/openapi.json": {
      get: { summary: "This document", responses: { "200": ok("OpenAPI 3.1", { type: "object" }) } },
    },
    "/api/v1/tenants": {
      get: {
        summary: "List the tenants the token can read, with its role in each",
        security: secured,
        responses: { "200": ok("Tenants", ref(api.TenantList)), ...errors(401) },
      },
      post: {
        summary: "Create a tenant (server admin); it starts with a local git connection and a first commit on its branch",
        security: secured,
        requestBody: body(api.TenantInput),
        responses: { "201": ok("Created", ref(api.Tenant)), ...errors(400, 401, 403, 409, 413, 415) },
      },
    },
    "/api/v1/tenants/{tenant}/resources/{kind}": {
      parameters: [tenant, kind],
      get: {
        summary: "List a kind's resources (viewer)",
        security: secured,
        parameters: [
          { name: "includeArchived", in: "query", required: false, schema: { type: "boolean" } },
          { name: "project", in: "query", required: false, schema: { type: "string" } },
        ],
        responses: { "200": ok("Resources", ref(api.ResourceList)), ...errors(401, 404) },
      },
    },
    "/api/v1/tenants/{tenant}/resources/{kind}/{name}": {
      parameters: [tenant, kind, name],
      get: {
        summary: "Get a resource (viewer)",
        security: secured,
        responses: { "200": ok("The resource", ref(api.Resource), etag), ...errors(401, 404) },
      },
      put: {
        summary: "Create or replace a resource (editor), validated like a file in git",
        security: secured,
        parameters: [ifMatch, ifNoneMatch],
        requestBody: body(api.ResourceBody),
        responses: {
          "200": ok("Replaced", ref(api.Resource), etag),
          "201": ok("Created", ref(api.Resource), etag),
          ...errors(400, 401, 403, 404, 412, 413, 415),
        },
      },
      patch: {
        summary: "Change fields of a resource (editor) with a JSON Merge Patch of its content; the result is validated as a PUT is",
        security: secured,
        parameters: [ifMatch],
        requestBody: mergePatch("RFC 7396 against the file's content: null removes a field, objects merge, anything else replaces"),
        responses: { "200": ok("Changed", ref(api.Resource), etag), ...errors(400, 401, 403, 404, 412, 413, 415) },
      },
      delete: {
        summary: "Delete a resource (editor), per the git connection's deletion policy; 409 while live resources name it",
        security: secured,
        parameters: [ifMatch],
        responses: { "204": { description: "Deleted" }, ...errors(401, 403, 404, 409, 412) },
      },
    },
    "/api/v1/tenants/{tenant}/projects": {
      parameters: [tenant],
      get: {
        summary: "Projects with their pending-change counts (viewer)",
        security: secured,
        responses: { "200": ok("Projects", ref(api.ProjectList)), ...errors(401, 404) },
      },
    },
    "/api/v1/tenants/{tenant}/connections": {
      parameters: [tenant],
      get: {
        summary: "List connections, without credentials (viewer)",
        security: secured,
        responses: { "200": ok("Connections", ref(api.ConnectionList)), ...errors(401, 404) },
      },
      post: {
        summary: "Create a connection (editor); credentials are write-only",
        security: secured,
        requestBody: body(api.ConnectionInput),
        responses: {
          "201": ok("Created", ref(api.Connection), etag),
          ...errors(400, 401, 403, 404, 409, 413, 415),
        },
      },
    },
    "/api/v1/tenants/{tenant}/connections/export": {
      parameters: [tenant],
      get: {
        summary: "Export connections without credentials (viewer)",
        security: secured,
        responses: { "200": ok("Connections", ref(api.ConnectionExport)), ...errors(401, 404) },
      },
    },
    "/api/v1/tenants/{tenant}/connections/import": {
      parameters: [tenant],
      post: {
        summary: "Import an export (editor): new ones are flagged as needing credentials",
        security: secured,
        requestBody: body(api.ConnectionExport),
        responses: { "200": ok("Imported", ref(api.ConnectionImportResult)), ...errors(400, 401, 403, 404, 413, 415) },
      },
    },
    "/api/v1/tenants/{tenant}/connections/{name}": {
      parameters: [tenant, name],
      get: {
        summary: "Get a connection, without credentials (viewer)",
        security: secured,
        responses: { "200": ok("The connection", ref(api.Connection), etag), ...errors(401, 404) },
      },
      put: {
        summary: "Create or update a connection (editor); omitted credentials are kept",
        security: secured,
        parameters: [ifMatch],
        requestBody: body(api.ConnectionUpdate),
        responses: {
          "200": ok("Updated", ref(api.Connection), etag),
          "201": ok("Created", ref(api.Connection), etag),
          ...errors(400, 401, 403, 404, 412, 413, 415),
        },
      },
      patch: {
        summary: "Change fields of a connection (editor) with a JSON Merge Patch; credentials: null clears them",
        security: secured,
        parameters: [ifMatch],
        requestBody: mergePatch("RFC 7396 against the connection as a GET shows it; the result is checked as a PUT body is"),
        responses: { "200": ok("Changed", ref(api.Connection), etag), ...errors(400, 401, 403, 404, 412, 413, 415) },
      },
      delete: {
        summary: "Delete a connection (editor); 409 while live resources name it",
        security: secured,
        responses: { "204": { description: "Deleted" }, ...errors(401, 403, 404, 409) },
      },
    },
    "/api/v1/tenants/{tenant}/git": {
      parameters: [tenant],
      get: {
        summary: "The git connection (admin); the token is never returned",
        security: secured,
        responses: { "200": ok("The git connection", ref(api.GitConnection), gitEtag), ...errors(401, 403, 404) },
      },
      put: {
        summary: "Set the git connection (admin); left-out fields take their defaults",
        security: secured,
        parameters: [gitIfMatch],
        requestBody: body(api.GitConnectionInput),
        responses: { "200": ok("Saved", ref(api.GitConnection), gitEtag), ...errors(400, 401, 403, 404, 412, 413, 415) },
      },
      patch: {
        summary: "Change fields of the git connection (admin) with a JSON Merge Patch; a removed field takes its default",
        security: secured,
        parameters: [gitIfMatch],
        requestBody: mergePatch("RFC 7396 against the git connection as a GET shows it; token: null clears the token"),
        responses: { "200": ok("Saved", ref(api.GitConnection), gitEtag), ...errors(400, 401, 403, 404, 412, 413, 415) },
      },
    },
    "/api/v1/tenants/{tenant}/log": {
      parameters: [tenant],
      get: {
        summary: "Sync log, newest first, paged (viewer)",
        security: secured,
        parameters: queryParameters(api.SyncLogQuery),
        responses: { "200": ok("A page", ref(api.SyncLogPage)), ...errors(400, 401, 404) },
      },
    },
    "/api/v1/tokens": {
      get: {
        summary: "List API tokens (server admin) with their grants; secrets are never returned",
        security: secured,
        responses: { "200": ok("Tokens", ref(api.TokenList)), ...errors(401, 403) },
      },
      post: {
        summary: "Create a token (server admin): server-wide `role`, per-tenant `tenants`, or `admin`; its secret is in this response only",
        security: secured,
        requestBody: body(api.TokenInput),
        responses: { "201": ok("Created", ref(api.TokenCreated)), ...errors(400, 401, 403, 413, 415) },
      },
    },
    "/api/v1/me": {
      get: {
        summary: "Who the token belongs to, and the roles of the user and the token (viewer); the caller acts with the lower",
        security: secured,
        responses: { "200": ok("The caller", ref(api.Me)), ...errors(401) },
      },
    },
    "/api/v1/tokens/{id}": {
      parameters: [param("id", "The token's id", { type: "integer" })],
      delete: {
        summary: "Revoke a token (server admin)",
        security: secured,
        responses: { "204": { description: "Revoked" }, ...errors(401, 403, 404) },
      },
    },
    ...syncPaths,
    ...integrityPaths,
    ...driftPaths,
    ...reviewPaths,
    ...jobPaths,
  },
} as const;

