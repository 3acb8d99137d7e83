import { body, errors, nullable, ok, param, ref, secured, tenant } from "./openapi-helpers.js";

/** The OpenAPI paths and schemas of the routes that drive git: status, sync now, snapshots, import, resync, pulls, webhooks. */

const sha = { type: "string", pattern: "^[0-9a-f]{7,64}$" };
const n = param("n", "The pull request's number", { type: "integer" });

const localPull = {
  type: "object",
  required: ["repository", "number", "title", "body", "head", "base", "headSha", "state", "mergeCommitSha", "createdAt", "updatedAt"],
  properties: {
    repository: { type: "string" },
    number: { type: "integer", minimum: 1 },
    title: { type: "string" },
    body: { type: "string" },
    head: { type: "string" },
    base: { type: "string" },
    headSha: sha,
    state: { enum: ["open", "merged", "closed"] },
    mergeCommitSha: { ...nullable("string") },
    createdAt: { type: "string" },
    updatedAt: { type: "string" },
  },
};

const annotation = {
  type: "object",
  required: ["path", "line", "column", "code", "severity", "message"],
  properties: {
    path: { type: "string" },
    line: { type: "integer" },
    column: { type: "integer" },
    code: { type: "string" },
    severity: { enum: ["error", "warning"] },
    message: { type: "string" },
  },
};

export const syncSchemas = {
  PendingChanges: {
    type: "object",
    required: ["created", "updated", "deleted"],
    additionalProperties: false,
    properties: {
      created: { type: "integer", minimum: 0 },
      updated: { type: "integer", minimum: 0 },
      deleted: { type: "integer", minimum: 0 },
    },
  },
  TenantStatus: {
    type: "object",
    required: ["git", "lastAppliedSha", "lastCommittedSha", "lastCommitAt", "waiting"],
    properties: {
      git: ref("GitConnection"),
      lastAppliedSha: { ...nullable("string"), description: "The last commit the tenant was reconciled with" },
      lastCommittedSha: nullable("string"),
      lastCommitAt: nullable("string"),
      waiting: { type: "integer", minimum: 0, description: "App changes not yet committed" },
      lastPush: ref("LastPush"),
      integrity: ref("IntegrityReport"),
      poll: {
        type: "object",
        description: "Provider git: the last poll of the server",
        required: ["lastPollAt", "head", "error"],
        properties: { lastPollAt: nullable("string"), head: nullable("string"), error: { ...nullable("string"), description: "Why the last poll failed" } },
      },
    },
  },
  SyncNowOutcome: {
    oneOf: [
      {
        type: "object",
        required: ["status", "sha", "logId"],
        properties: { status: { const: "committed" }, sha, logId: { type: "integer" } },
      },
      { type: "object", required: ["status", "reason"], properties: { status: { const: "noop" }, reason: { type: "string" } } },
    ],
  },
  ImportInput: {
    type: "object",
    required: ["ref"],
    additionalProperties: false,
    properties: {
      ref: { type: "string", minLength: 1, maxLength: 255 },
      source: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$", description: "The tenant whose repository holds the ref (default: this one)" },
      prune: { type: "boolean", description: "Archive resources the source does not have" },
      dryRun: { type: "boolean", description: "Only compute the plan" },
    },
  },
  PlanItem: {
    type: "object",
    required: ["action", "kind", "name", "project"],
    properties: {
      action: { enum: ["create", "update", "delete", "archive", "keep"] },
      kind: { type: "string" },
      name: { type: "string" },
      project: nullable("string"),
      body: { type: "object" },
      fields: { type: "array", items: { type: "string" } },
      restored: { type: "boolean" },
      path: { type: "string" },
    },
  },
  Plan: {
    type: "object",
    required: ["items", "counts"],
    properties: {
      items: { type: "array", items: ref("PlanItem") },
      counts: {
        type: "object",
        required: ["create", "update", "delete", "archive", "keep"],
        properties: Object.fromEntries(["create", "update", "delete", "archive", "keep"].map((a) => [a, { type: "integer", minimum: 0 }])),
      },
    },
  },
  ImportOutcome: {
    type: "object",
    required: ["status", "sha", "logId"],
    properties: {
      status: { enum: ["planned", "applied", "invalid", "missing-connections"] },
      sha,
      logId: { type: ["integer", "null"] },
      plan: ref("Plan"),
      diagnostics: { type: "array", items: ref("Diagnostic") },
      missing: { type: "array", items: { type: "string" }, description: "Connections the source needs and this tenant lacks" },
    },
  },
  ResyncInput: {
    type: "object",
    required: ["direction"],
    additionalProperties: false,
    properties: { direction: { enum: ["to-git", "from-git"] } },
  },
  ResyncOutcome: {
    type: "object",
    required: ["status", "entry"],
    properties: {
      status: { enum: ["done", "invalid"] },
      entry: ref("SyncLogEntry"),
      diagnostics: { type: "array", items: ref("Diagnostic") },
    },
  },
  GitTestResults: {
    type: "object",
    required: ["results"],
    properties: {
      results: {
        type: "array",
        items: {
          type: "object",
          required: ["check", "ok", "message"],
          properties: {
            check: { type: "string" },
            ok: { type: "boolean" },
            message: { type: "string" },
            code: { type: "string", description: "A failed step's error code, e.g. `unauthorized` for a revoked or wrong token" },
            hostKey: {
              type: "object",
              description: "Provider git over SSH: the key the server shows, to accept as remote.hostKey",
              properties: { key: { type: "string" }, fingerprint: { type: "string" } },
            },
          },
        },
      },
    },
  },
  PullInput: {
    type: "object",
    required: ["head"],
    additionalProperties: false,
    properties: { head: { type: "string", minLength: 1 }, base: { type: "string", minLength: 1 }, title: { type: "string", maxLength: 300 } },
  },
  LocalPull: localPull,
  LocalPullList: { type: "object", required: ["items"], properties: { items: { type: "array", items: ref("LocalPull") } } },
  LocalPullOne: { type: "object", required: ["pull"], properties: { pull: ref("LocalPull") } },
  LocalPullDetail: {
    type: "object",
    required: ["pull", "checks", "comment"],
    properties: {
      pull: ref("LocalPull"),
      checks: {
        type: "array",
        items: {
          type: "object",
          required: ["name", "status", "conclusion", "title", "summary", "annotations"],
          properties: {
            name: { type: "string" },
            status: { enum: ["queued", "in_progress", "completed"] },
            conclusion: { enum: ["success", "failure", "neutral", null] },
            title: { type: "string" },
            summary: { type: "string", description: "Markdown: the plan and the findings" },
            annotations: { type: "array", items: annotation },
          },
        },
      },
      comment: nullable("string"),
      merge: {
        type: "object",
        description: "Whether it may be merged now; the reasons why not (a failed, running or stale check)",
        required: ["allowed", "reasons"],
        properties: { allowed: { type: "boolean" }, reasons: { type: "array", items: { type: "string" } } },
      },
      files: { type: "array", items: ref("FileDiff"), description: "The changed files under the path, as unified-diff hunks" },
    },
  },
  WebhookAccepted: {
    type: "object",
    required: ["accepted"],
    properties: { accepted: { type: "boolean" }, delivery: { type: "string" }, reason: { type: "string" } },
  },
} as const;

const webhook = (summary: string) => ({
  post: {
    summary,
    responses: { "202": ok("Verified; processed in the background", ref("WebhookAccepted")), ...errors(400, 401, 404, 413) },
  },
});

export const syncPaths = {
  "/webhooks/gitlab": webhook("GitLab webhooks, verified by X-Gitlab-Token (GITLAB_WEBHOOK_SECRET)"),
  "/webhooks/bitbucket": webhook("Bitbucket webhooks, verified by X-Hub-Signature (BITBUCKET_WEBHOOK_SECRET)"),
  "/webhooks/azure-devops": webhook("Azure DevOps service hooks, verified by basic auth (AZURE_DEVOPS_WEBHOOK_USER, AZURE_DEVOPS_WEBHOOK_PASSWORD)"),
  "/webhooks/git/{tenant}": {
    parameters: [tenant],
    post: {
      ...webhook("A plain git server's push notification for one tenant (provider git): HMAC-SHA256 of the raw body with the connection's webhookSecret in X-Gitsync-Signature-256: sha256=<hex>; triggers a fetch at once").post,
    },
  },
  "/webhooks/local": {
    post: {
      ...webhook("The local repositories' post-receive hook, verified by its HMAC signature").post,
      responses: {
        ...webhook("").post.responses,
        "200": ok("With X-Gitsync-Wait: 1, processed: what the hook prints", ref("PushAnswer")),
      },
    },
  },
  "/api/v1/tenants/{tenant}/status": {
    parameters: [tenant],
    get: {
      summary: "Sync status: the git connection, the last commit and how many app changes wait (viewer)",
      security: secured,
      responses: { "200": ok("Status", ref("TenantStatus")), ...errors(401, 404) },
    },
  },
  "/api/v1/tenants/{tenant}/sync": {
    parameters: [tenant],
    post: {
      summary: "Commit the waiting app changes now, without waiting for the debounce (editor)",
      security: secured,
      responses: { "200": ok("Committed, or nothing to commit", ref("SyncNowOutcome")), ...errors(400, 401, 403, 404, 409, 413, 415, 502) },
    },
  },
  "/api/v1/tenants/{tenant}/snapshots": {
    parameters: [tenant],
    post: {
      summary: '"Sync changes": a snapshot branch and pull request, made in the background (editor)',
      security: secured,
      responses: { "202": ok("Queued; poll its status", ref("SyncLogEntry")), ...errors(400, 401, 403, 404, 413, 415) },
    },
  },
  "/api/v1/tenants/{tenant}/snapshots/{id}": {
    parameters: [tenant, param("id", "The snapshot's sync log id", { type: "integer" })],
    get: {
      summary: "A snapshot's status: queued, syncing, done (prUrl), skipped (nothing to sync) or failed (viewer)",
      security: secured,
      responses: { "200": ok("The snapshot", ref("SyncLogEntry")), ...errors(401, 404) },
    },
  },
  "/api/v1/tenants/{tenant}/imports": {
    parameters: [tenant],
    post: {
      summary: "Import a branch or commit into this tenant, or only plan it with dryRun (admin)",
      security: secured,
      requestBody: body("ImportInput"),
      responses: { "200": ok("The outcome", ref("ImportOutcome")), ...errors(400, 401, 403, 404, 413, 415, 502) },
    },
  },
  "/api/v1/tenants/{tenant}/resync": {
    parameters: [tenant],
    post: {
      summary: "Full resync: rebuild the branch from the tenant (to-git) or the tenant from the branch (from-git) (admin)",
      security: secured,
      requestBody: body("ResyncInput"),
      responses: { "200": ok("The outcome", ref("ResyncOutcome")), ...errors(400, 401, 403, 404, 409, 413, 415, 502) },
    },
  },
  "/api/v1/tenants/{tenant}/git/test": {
    parameters: [tenant],
    post: {
      summary: '"Test connection": what gitsync can and cannot do with the git connection, reading only (admin)',
      security: secured,
      responses: { "200": ok("One result per step", ref("GitTestResults")), ...errors(400, 401, 403, 404, 413, 415) },
    },
  },
  "/api/v1/tenants/{tenant}/pulls": {
    parameters: [tenant],
    get: {
      summary: "The local provider's pull requests (viewer)",
      security: secured,
      responses: { "200": ok("Pull requests", ref("LocalPullList")), ...errors(400, 401, 404) },
    },
    post: {
      summary: "Open a local pull request (editor); its check runs at once",
      security: secured,
      requestBody: body("PullInput"),
      responses: { "201": ok("Opened (or the open one for the same branches)", ref("LocalPullOne")), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
  },
  "/api/v1/tenants/{tenant}/pulls/{n}": {
    parameters: [tenant, n],
    get: {
      summary: "A local pull request with its checks (the plan is in their summary) and gitsync's comment (viewer)",
      security: secured,
      responses: { "200": ok("The pull request", ref("LocalPullDetail")), ...errors(400, 401, 404) },
    },
  },
  "/api/v1/tenants/{tenant}/pulls/{n}/merge": {
    parameters: [tenant, n],
    post: {
      summary: "Merge a local pull request with a real git merge (admin); 409 with `details.reasons` when its check failed, is running or is stale, or git finds conflicts",
      security: secured,
      responses: { "200": ok("Merged", ref("LocalPullOne")), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
  },
} as const;
