import * as api from "../api/shapes.js";
import { body, errors, ok, param, ref, secured, tenant } from "./openapi-helpers.js";

/** The OpenAPI paths of the routes that drive git: status, sync now, snapshots, import, resync, pulls, webhooks. */

const n = param("n", "The pull request's number", { type: "integer" });

const webhook = (summary: string) => ({
  post: {
    summary,
    responses: { "202": ok("Verified; processed in the background", ref(api.WebhookAccepted)), ...errors(400, 401, 404, 413) },
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
        "200": ok("With X-Gitsync-Wait: 1, processed: what the hook prints", ref(api.PushAnswer)),
      },
    },
  },
  "/api/v1/tenants/{tenant}/status": {
    parameters: [tenant],
    get: {
      summary: "Sync status: the git connection, the last commit and how many app changes wait (viewer)",
      security: secured,
      responses: { "200": ok("Status", ref(api.TenantStatus)), ...errors(401, 404) },
    },
  },
  "/api/v1/tenants/{tenant}/sync": {
    parameters: [tenant],
    post: {
      summary: "Commit the waiting app changes now, without waiting for the debounce (editor)",
      security: secured,
      responses: { "200": ok("Committed, or nothing to commit", ref(api.SyncNowOutcome)), ...errors(400, 401, 403, 404, 409, 413, 415, 502) },
    },
  },
  "/api/v1/tenants/{tenant}/snapshots": {
    parameters: [tenant],
    post: {
      summary: '"Sync changes": a snapshot branch and pull request, made in the background (editor)',
      security: secured,
      responses: { "202": ok("Queued; poll its status", ref(api.SyncLogEntry)), ...errors(400, 401, 403, 404, 413, 415) },
    },
  },
  "/api/v1/tenants/{tenant}/snapshots/{id}": {
    parameters: [tenant, param("id", "The snapshot's sync log id", { type: "integer" })],
    get: {
      summary: "A snapshot's status: queued, syncing, done (prUrl), skipped (nothing to sync) or failed (viewer)",
      security: secured,
      responses: { "200": ok("The snapshot", ref(api.SyncLogEntry)), ...errors(401, 404) },
    },
  },
  "/api/v1/tenants/{tenant}/imports": {
    parameters: [tenant],
    post: {
      summary: "Import a branch or commit into this tenant, or only plan it with dryRun (admin)",
      security: secured,
      requestBody: body(api.ImportInput),
      responses: { "200": ok("The outcome", ref(api.ImportOutcome)), ...errors(400, 401, 403, 404, 413, 415, 502) },
    },
  },
  "/api/v1/tenants/{tenant}/resync": {
    parameters: [tenant],
    post: {
      summary: "Full resync: rebuild the branch from the tenant (to-git) or the tenant from the branch (from-git) (admin)",
      security: secured,
      requestBody: body(api.ResyncInput),
      responses: { "200": ok("The outcome", ref(api.ResyncOutcome)), ...errors(400, 401, 403, 404, 409, 413, 415, 502) },
    },
  },
  "/api/v1/tenants/{tenant}/git/test": {
    parameters: [tenant],
    post: {
      summary: '"Test connection": what gitsync can and cannot do with the git connection, reading only (admin)',
      security: secured,
      responses: { "200": ok("One result per step", ref(api.GitTestResults)), ...errors(400, 401, 403, 404, 413, 415) },
    },
  },
  "/api/v1/tenants/{tenant}/pulls": {
    parameters: [tenant],
    get: {
      summary: "The local provider's pull requests (viewer)",
      security: secured,
      responses: { "200": ok("Pull requests", ref(api.LocalPullList)), ...errors(400, 401, 404) },
    },
    post: {
      summary: "Open a local pull request (editor); its check runs at once",
      security: secured,
      requestBody: body(api.PullInput),
      responses: { "201": ok("Opened (or the open one for the same branches)", ref(api.LocalPullOne)), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
  },
  "/api/v1/tenants/{tenant}/pulls/{n}": {
    parameters: [tenant, n],
    get: {
      summary: "A local pull request with its checks (the plan is in their summary) and gitsync's comment (viewer)",
      security: secured,
      responses: { "200": ok("The pull request", ref(api.LocalPullDetail)), ...errors(400, 401, 404) },
    },
  },
  "/api/v1/tenants/{tenant}/pulls/{n}/merge": {
    parameters: [tenant, n],
    post: {
      summary: "Merge a local pull request with a real git merge (admin); 409 with `details.reasons` when its check failed, is running or is stale, or git finds conflicts",
      security: secured,
      responses: { "200": ok("Merged", ref(api.LocalPullOne)), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
  },
} as const;
