/**
 * The API's OpenAPI 3.1 document, as data. Request bodies are validated against these same
 * schemas (see schemas.ts), so the document cannot drift from what the server accepts; a test
 * checks that every route the router has is here and that real responses match.
 */

import { body, errors, etag, ifMatch, ifNoneMatch, json, kind, name, nullable, ok, param, ref, secured, tenant } from "./openapi-helpers.js";
import { integrityPaths, integritySchemas, syncLogFindings } from "./openapi-integrity.js";
import { syncPaths, syncSchemas } from "./openapi-git-routes.js";
import { driftPaths, driftSchemas } from "./openapi-drift.js";
import { reviewPaths, reviewSchemas } from "./openapi-review.js";
import { jobPaths, jobSchemas } from "./openapi-jobs.js";

const diagnostic = {
  type: "object",
  required: ["file", "line", "column", "code", "severity", "message"],
  properties: {
    file: { type: "string" },
    line: { type: "integer", minimum: 0 },
    column: { type: "integer", minimum: 0 },
    code: { type: "string" },
    severity: { enum: ["error", "warning"] },
    message: { type: "string" },
  },
};

const connectionFields = {
  type: { type: "string", minLength: 1, maxLength: 100 },
  role: nullable("string"),
  host: nullable("string"),
  port: { type: ["integer", "null"], minimum: 1, maximum: 65535 },
  database: nullable("string"),
  username: nullable("string"),
};
const connectionName = { type: "string", pattern: "^[a-z0-9][a-z0-9._-]{0,99}$" };
const credentials = {
  type: ["object", "null"],
  writeOnly: true,
  description: "Write-only: stored encrypted, never returned. Omit to keep the stored ones (dropped when type, host or port change); null clears them.",
};

/** The `git` provider's settings (any server over HTTPS or SSH); other providers leave it out. */
const gitRemoteSchema = {
  type: "object",
  additionalProperties: false,
  description: "Only for provider git; the connection's token holds the token, the password or the private key (PEM), as `auth` says",
  properties: {
    auth: { enum: ["token", "password", "ssh-key"], default: "token" },
    username: { type: ["string", "null"], maxLength: 200, default: null },
    hostKey: { type: ["string", "null"], maxLength: 2000, default: null, description: "The accepted SSH host key, `<type> <base64>`, as Test connection shows it" },
    pollIntervalSeconds: { type: "integer", minimum: 0, maximum: 86_400, default: 60, description: "0: no polling" },
    compareUrlTemplate: { type: ["string", "null"], maxLength: 500, default: null, description: "Link for a pushed branch with {repository}, {base} and {head}" },
  },
};

const gitFields = {
  provider: { enum: ["local", "github", "gitlab", "bitbucket", "azure-devops", "git"] },
  repository: { type: "string", maxLength: 300 },
  branch: { type: "string", minLength: 1, maxLength: 255 },
  path: { type: "string", maxLength: 500 },
  format: { enum: ["yaml", "json"] },
  outbound: { enum: ["direct", "pull-request"] },
  debounceMs: { type: "integer", minimum: 0, maximum: 3_600_000 },
  deletions: { enum: ["keep", "archive", "delete"] },
  baseUrl: { type: ["string", "null"], pattern: "^https?://[^\\s]+$" },
  remote: gitRemoteSchema,
};
const gitRequired = ["provider", "repository", "branch", "path", "format", "outbound", "debounceMs", "deletions", "baseUrl"];
/** What a body may leave out, and what it then means. */
const gitDefaults = { repository: "", branch: "main", path: "", format: "yaml", outbound: "direct", debounceMs: 1000, deletions: "archive", baseUrl: null };
const gitInputFields = Object.fromEntries(
  Object.entries(gitFields).map(([key, schema]) => [key, key in gitDefaults ? { ...schema, default: gitDefaults[key as keyof typeof gitDefaults] } : schema]),
);
const readOnly = (type: string, description: string) => ({ type, readOnly: true, description: `${description}; accepted and ignored in a request` });
const connectionReadOnly = {
  needsCredentials: readOnly("boolean", "Set by the server"),
  version: readOnly("integer", "The version; use If-Match to write only over it"),
  updatedAt: readOnly("string", "Set by the server"),
};
const mergePatch = (description: string) => ({
  required: true,
  description,
  content: { "application/merge-patch+json": { schema: { type: "object" } } },
});

const gitEtag = { ETag: { description: "A digest of the git connection as shown", schema: { type: "string" } } };
const gitIfMatch = { ...ifMatch, description: "Write only if the git connection still has this ETag; else 412" };

const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });

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
        content: json(ref("Error")),
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
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        additionalProperties: false,
        properties: {
          error: {
            type: "object",
            required: ["code", "message", "details"],
            additionalProperties: false,
            properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
          },
        },
      },
      Diagnostic: diagnostic,
      Health: {
        type: "object",
        required: ["status", "database"],
        properties: { status: { enum: ["ok", "starting", "unavailable"] }, database: { enum: ["up", "down"] } },
      },
      Tenant: {
        type: "object",
        required: ["slug", "name", "createdAt"],
        additionalProperties: false,
        properties: {
          slug: { type: "string" },
          name: { type: "string" },
          createdAt: { type: "string" },
          role: { enum: ["admin", "editor", "viewer"], description: "In the list: the role the caller's token acts with here" },
        },
      },
      TenantInput: {
        type: "object",
        required: ["slug", "name"],
        additionalProperties: false,
        properties: {
          slug: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$", maxLength: 63 },
          name: { type: "string", minLength: 1, maxLength: 200 },
        },
      },
      TenantList: { type: "object", required: ["items"], properties: { items: { type: "array", items: ref("Tenant") } } },
      Resource: {
        type: "object",
        required: ["kind", "name", "body", "version", "project", "archived", "updatedBy", "updatedAt"],
        additionalProperties: false,
        properties: {
          kind: { type: "string" },
          name: { type: "string" },
          body: { type: "object", description: "The file's content as JSON" },
          version: { type: "integer", minimum: 1 },
          project: nullable("string"),
          archived: { type: "boolean" },
          updatedBy: { type: "string" },
          updatedAt: { type: "string" },
        },
      },
      ResourceBody: {
        type: "object",
        description:
          "The file's content as JSON; `project` names its project. A resource exactly as a GET returns it is taken as its `body` (the other fields are ignored). Secret fields left out keep their stored values.",
      },
      ResourceList: {
        type: "object",
        required: ["items"],
        properties: { items: { type: "array", items: ref("Resource") } },
      },
      Project: {
        type: "object",
        required: ["name", "resources", "pendingChanges"],
        additionalProperties: false,
        properties: {
          name: { ...nullable("string"), description: "null gathers the resources without a project" },
          resources: { type: "integer", minimum: 0 },
          pendingChanges: ref("PendingChanges"),
        },
      },
      ProjectList: {
        type: "object",
        required: ["items", "pendingError"],
        properties: {
          items: { type: "array", items: ref("Project") },
          pendingError: { ...nullable("string"), description: "Why the pending changes could not be counted (they show as 0)" },
        },
      },
      Connection: {
        type: "object",
        required: ["name", "type", "role", "host", "port", "database", "username", "needsCredentials", "version", "updatedAt"],
        additionalProperties: false,
        properties: {
          name: { type: "string" },
          ...connectionFields,
          needsCredentials: { type: "boolean" },
          version: { type: "integer" },
          updatedAt: { type: "string" },
        },
      },
      ConnectionList: {
        type: "object",
        required: ["items"],
        properties: { items: { type: "array", items: ref("Connection") } },
      },
      ConnectionInput: {
        type: "object",
        required: ["name", "type"],
        additionalProperties: false,
        properties: { name: connectionName, ...connectionFields, credentials, ...connectionReadOnly },
      },
      ConnectionUpdate: {
        type: "object",
        required: ["type"],
        additionalProperties: false,
        properties: { name: connectionName, ...connectionFields, credentials, ...connectionReadOnly },
      },
      ConnectionExportItem: {
        type: "object",
        required: ["name", "type"],
        additionalProperties: false,
        properties: { name: connectionName, ...connectionFields },
      },
      ConnectionExport: {
        type: "object",
        required: ["connections"],
        additionalProperties: false,
        properties: { connections: { type: "array", items: ref("ConnectionExportItem"), maxItems: 1000 } },
      },
      ConnectionImportResult: {
        type: "object",
        required: ["created", "updated"],
        properties: {
          created: { type: "array", items: { type: "string" } },
          updated: { type: "array", items: { type: "string" } },
        },
      },
      GitConnection: {
        type: "object",
        required: [...gitRequired, "hasToken"],
        additionalProperties: false,
        properties: { ...gitFields, hasToken: { type: "boolean" }, hasWebhookSecret: { type: "boolean" } },
      },
      GitConnectionInput: {
        type: "object",
        description: "Only provider is required (and repository where the provider needs one); the rest take their defaults.",
        required: ["provider"],
        additionalProperties: false,
        properties: {
          ...gitInputFields,
          token: {
            type: ["string", "null"],
            writeOnly: true,
            description:
              "Write-only provider token; omit to keep the stored one (dropped when provider, baseUrl or repository change), null to clear it",
          },
          hasToken: readOnly("boolean", "Whether a token is stored"),
          webhookSecret: {
            type: ["string", "null"],
            writeOnly: true,
            minLength: 16,
            maxLength: 200,
            description: "Write-only, provider git: the HMAC-SHA256 secret of POST /webhooks/git/{tenant}; omit to keep, null to clear",
          },
          hasWebhookSecret: readOnly("boolean", "Whether a webhook secret is stored (provider git)"),
        },
      },
      SyncLogEntry: {
        type: "object",
        required: [
          "id",
          "tenant",
          "direction",
          "status",
          "commitSha",
          "branch",
          "prUrl",
          "author",
          "files",
          "resources",
          "error",
          "diagnostics",
          "diagnosticCount",
          "createdAt",
          "updatedAt",
        ],
        properties: {
          id: { type: "integer" },
          tenant: { type: "string" },
          direction: { enum: ["INBOUND", "OUTBOUND", "SNAPSHOT", "IMPORT"] },
          status: { enum: ["queued", "syncing", "done", "failed", "skipped", "conflict"] },
          commitSha: nullable("string"),
          branch: nullable("string"),
          prUrl: nullable("string"),
          author: nullable("string"),
          files: { type: "array", items: { type: "string" } },
          resources: { type: "array", items: { type: "string" } },
          error: nullable("string"),
          ...syncLogFindings,
          note: { ...nullable("string"), description: "A branch reset, or how a merge's applied plan compares with its check" },
          createdAt: { type: "string" },
          updatedAt: { type: "string" },
        },
      },
      SyncLogPage: {
        type: "object",
        required: ["items", "next"],
        properties: {
          items: { type: "array", items: ref("SyncLogEntry") },
          next: { type: ["integer", "null"], description: "Pass as `before` for the next (older) page" },
        },
      },
      SyncLogQuery: {
        type: "object",
        additionalProperties: false,
        properties: {
          limit: { type: "integer", minimum: 1, maximum: 200 },
          before: { type: "integer", minimum: 1 },
          direction: { enum: ["INBOUND", "OUTBOUND", "SNAPSHOT", "IMPORT"] },
          status: { enum: ["queued", "syncing", "done", "failed", "skipped", "conflict"] },
        },
      },
      Token: {
        type: "object",
        required: ["id", "userId", "label", "role", "serverWide", "tenants", "createdAt", "lastUsedAt", "revoked"],
        additionalProperties: false,
        properties: {
          id: { type: "integer" },
          userId: { type: "integer" },
          label: { type: "string" },
          role: { enum: ["admin", "editor", "viewer"], description: "Server-wide: the role everywhere; scoped: the highest grant" },
          serverWide: { type: "boolean", description: "False: the token reaches only the tenants in `tenants`" },
          tenants: ref("TenantGrants"),
          createdAt: { type: "string" },
          lastUsedAt: nullable("string"),
          revoked: { type: "boolean" },
        },
      },
      TokenList: { type: "object", required: ["items"], properties: { items: { type: "array", items: ref("Token") } } },
      TenantGrants: {
        type: "object",
        description: "A role per tenant slug",
        propertyNames: { pattern: "^[a-z0-9][a-z0-9-]*$", maxLength: 63 },
        additionalProperties: { enum: ["admin", "editor", "viewer"] },
      },
      TokenInput: {
        type: "object",
        description: "role: server-wide in every tenant; tenants: only these, each with its role; admin: a server admin",
        required: ["label"],
        additionalProperties: false,
        properties: {
          label: { type: "string", minLength: 1, maxLength: 100 },
          role: { enum: ["admin", "editor", "viewer"] },
          tenants: { type: "object", allOf: [ref("TenantGrants")], minProperties: 1, maxProperties: 1000 },
          admin: { type: "boolean" },
          user: {
            type: "object",
            description: "The person the token acts for (commit author); omitted: the caller",
            required: ["name", "email"],
            additionalProperties: false,
            properties: {
              name: { type: "string", minLength: 1, maxLength: 200 },
              email: { type: "string", pattern: "^[^\\s@]+@[^\\s@]+$", maxLength: 320 },
            },
          },
        },
      },
      TokenCreated: {
        type: "object",
        required: ["token", "secret"],
        additionalProperties: false,
        properties: {
          token: ref("Token"),
          secret: { type: "string", description: "Shown once: only a hash is stored" },
        },
      },
      Me: {
        type: "object",
        required: ["user", "token", "admin"],
        additionalProperties: false,
        properties: {
          user: {
            type: "object",
            required: ["name", "email", "role"],
            additionalProperties: false,
            properties: { name: { type: "string" }, email: { type: "string" }, role: { enum: ["admin", "editor", "viewer"] } },
          },
          token: {
            type: "object",
            required: ["label", "role", "serverWide", "tenants"],
            additionalProperties: false,
            properties: {
              label: { type: "string" },
              role: { enum: ["admin", "editor", "viewer"] },
              serverWide: { type: "boolean" },
              tenants: ref("TenantGrants"),
            },
          },
          admin: { type: "boolean", description: "A server admin: tokens, creating tenants, every tenant" },
        },
      },
      ...syncSchemas,
      ...integritySchemas,
      ...driftSchemas,
      ...reviewSchemas,
      ...jobSchemas,
    },
  },
  paths: {
    "/healthz": {
      get: {
        summary: "200 when start-up is done and the database answers, else 503",
        responses: { "200": ok("Healthy", ref("Health")), "503": ok("Starting, or the database does not answer", ref("Health")) },
      },
    },
    "/readyz": {
      get: {
        summary: "200 when the server can do its work: the database answers and the job queue runs; else 503",
        responses: { "200": ok("Ready", ref("Health")), "503": ok("Not ready", ref("Health")) },
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
        responses: { "200": ok("Tenants", ref("TenantList")), ...errors(401) },
      },
      post: {
        summary: "Create a tenant (server admin); it starts with a local git connection and a first commit on its branch",
        security: secured,
        requestBody: body("TenantInput"),
        responses: { "201": ok("Created", ref("Tenant")), ...errors(400, 401, 403, 409, 413, 415) },
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
        responses: { "200": ok("Resources", ref("ResourceList")), ...errors(401, 404) },
      },
    },
    "/api/v1/tenants/{tenant}/resources/{kind}/{name}": {
      parameters: [tenant, kind, name],
      get: {
        summary: "Get a resource (viewer)",
        security: secured,
        responses: { "200": ok("The resource", ref("Resource"), etag), ...errors(401, 404) },
      },
      put: {
        summary: "Create or replace a resource (editor), validated like a file in git",
        security: secured,
        parameters: [ifMatch, ifNoneMatch],
        requestBody: body("ResourceBody"),
        responses: {
          "200": ok("Replaced", ref("Resource"), etag),
          "201": ok("Created", ref("Resource"), etag),
          ...errors(400, 401, 403, 404, 412, 413, 415),
        },
      },
      patch: {
        summary: "Change fields of a resource (editor) with a JSON Merge Patch of its content; the result is validated as a PUT is",
        security: secured,
        parameters: [ifMatch],
        requestBody: mergePatch("RFC 7396 against the file's content: null removes a field, objects merge, anything else replaces"),
        responses: { "200": ok("Changed", ref("Resource"), etag), ...errors(400, 401, 403, 404, 412, 413, 415) },
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
        responses: { "200": ok("Projects", ref("ProjectList")), ...errors(401, 404) },
      },
    },
    "/api/v1/tenants/{tenant}/connections": {
      parameters: [tenant],
      get: {
        summary: "List connections, without credentials (viewer)",
        security: secured,
        responses: { "200": ok("Connections", ref("ConnectionList")), ...errors(401, 404) },
      },
      post: {
        summary: "Create a connection (editor); credentials are write-only",
        security: secured,
        requestBody: body("ConnectionInput"),
        responses: {
          "201": ok("Created", ref("Connection"), etag),
          ...errors(400, 401, 403, 404, 409, 413, 415),
        },
      },
    },
    "/api/v1/tenants/{tenant}/connections/export": {
      parameters: [tenant],
      get: {
        summary: "Export connections without credentials (viewer)",
        security: secured,
        responses: { "200": ok("Connections", ref("ConnectionExport")), ...errors(401, 404) },
      },
    },
    "/api/v1/tenants/{tenant}/connections/import": {
      parameters: [tenant],
      post: {
        summary: "Import an export (editor): new ones are flagged as needing credentials",
        security: secured,
        requestBody: body("ConnectionExport"),
        responses: { "200": ok("Imported", ref("ConnectionImportResult")), ...errors(400, 401, 403, 404, 413, 415) },
      },
    },
    "/api/v1/tenants/{tenant}/connections/{name}": {
      parameters: [tenant, name],
      get: {
        summary: "Get a connection, without credentials (viewer)",
        security: secured,
        responses: { "200": ok("The connection", ref("Connection"), etag), ...errors(401, 404) },
      },
      put: {
        summary: "Create or update a connection (editor); omitted credentials are kept",
        security: secured,
        parameters: [ifMatch],
        requestBody: body("ConnectionUpdate"),
        responses: {
          "200": ok("Updated", ref("Connection"), etag),
          "201": ok("Created", ref("Connection"), etag),
          ...errors(400, 401, 403, 404, 412, 413, 415),
        },
      },
      patch: {
        summary: "Change fields of a connection (editor) with a JSON Merge Patch; credentials: null clears them",
        security: secured,
        parameters: [ifMatch],
        requestBody: mergePatch("RFC 7396 against the connection as a GET shows it; the result is checked as a PUT body is"),
        responses: { "200": ok("Changed", ref("Connection"), etag), ...errors(400, 401, 403, 404, 412, 413, 415) },
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
        responses: { "200": ok("The git connection", ref("GitConnection"), gitEtag), ...errors(401, 403, 404) },
      },
      put: {
        summary: "Set the git connection (admin); left-out fields take their defaults",
        security: secured,
        parameters: [gitIfMatch],
        requestBody: body("GitConnectionInput"),
        responses: { "200": ok("Saved", ref("GitConnection"), gitEtag), ...errors(400, 401, 403, 404, 412, 413, 415) },
      },
      patch: {
        summary: "Change fields of the git connection (admin) with a JSON Merge Patch; a removed field takes its default",
        security: secured,
        parameters: [gitIfMatch],
        requestBody: mergePatch("RFC 7396 against the git connection as a GET shows it; token: null clears the token"),
        responses: { "200": ok("Saved", ref("GitConnection"), gitEtag), ...errors(400, 401, 403, 404, 412, 413, 415) },
      },
    },
    "/api/v1/tenants/{tenant}/log": {
      parameters: [tenant],
      get: {
        summary: "Sync log, newest first, paged (viewer)",
        security: secured,
        parameters: [
          { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
          { name: "before", in: "query", required: false, schema: { type: "integer", minimum: 1 } },
          { name: "direction", in: "query", required: false, schema: { enum: ["INBOUND", "OUTBOUND", "SNAPSHOT", "IMPORT"] } },
          {
            name: "status",
            in: "query",
            required: false,
            schema: { enum: ["queued", "syncing", "done", "failed", "skipped", "conflict"] },
          },
        ],
        responses: { "200": ok("A page", ref("SyncLogPage")), ...errors(400, 401, 404) },
      },
    },
    "/api/v1/tokens": {
      get: {
        summary: "List API tokens (server admin) with their grants; secrets are never returned",
        security: secured,
        responses: { "200": ok("Tokens", ref("TokenList")), ...errors(401, 403) },
      },
      post: {
        summary: "Create a token (server admin): server-wide `role`, per-tenant `tenants`, or `admin`; its secret is in this response only",
        security: secured,
        requestBody: body("TokenInput"),
        responses: { "201": ok("Created", ref("TokenCreated")), ...errors(400, 401, 403, 413, 415) },
      },
    },
    "/api/v1/me": {
      get: {
        summary: "Who the token belongs to, and the roles of the user and the token (viewer); the caller acts with the lower",
        security: secured,
        responses: { "200": ok("The caller", ref("Me")), ...errors(401) },
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

export type SchemaName = keyof typeof openapi.components.schemas;
