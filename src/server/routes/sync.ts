import * as api from "../../api/shapes.js";
import { GitsyncError, NotFoundError, type ErrorCode } from "../../core/errors.js";
import type { SyncLogEntry } from "../../core/types.js";
import { actorOf, roleIn } from "../auth.js";
import type { ApiDeps } from "../deps.js";
import type { Route } from "../router.js";
import { param, requireTenant } from "./common.js";
import { gitConnectionView } from "./git.js";
import { testGitRemote } from "./git-remote-test.js";

/** The sync flows behind the API: status, sync now, snapshots, import, resync. */

const base = "/api/v1/tenants/{tenant}";

function positiveInt(params: Record<string, string>, name: string): number {
  const value = param(params, name);
  if (!/^\d{1,12}$/.test(value) || Number(value) < 1) throw new NotFoundError(`no ${name} ${value}`);
  return Number(value);
}

/** The newest push's outcome; `refused` stays true, with the findings, until a later push applies. */
function lastPushView(entry: SyncLogEntry | undefined) {
  if (!entry) return null;
  return {
    logId: entry.id,
    commitSha: entry.commitSha,
    status: entry.status,
    refused: entry.status === "failed",
    error: entry.error,
    diagnostics: entry.diagnostics,
    diagnosticCount: entry.diagnosticCount,
    at: entry.createdAt,
  };
}

export const syncRoutes: Route[] = [
  {
    method: "GET",
    path: `${base}/status`,
    access: "viewer",
    handler: async ({ params }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      const [state, waiting, lastCommit, lastInbound] = await Promise.all([
        deps.store.getSyncState(tenant.slug),
        deps.store.pendingOutbox(tenant.slug),
        deps.store.listSyncLog(tenant.slug, { limit: 1, direction: "OUTBOUND", status: "done" }),
        deps.store.listSyncLog(tenant.slug, { limit: 1, direction: "INBOUND" }),
      ]);
      const poll = deps.sync.poller.status(tenant.slug);
      return {
        status: 200,
        body: {
          git: await gitConnectionView(deps.store, tenant.slug),
          lastAppliedSha: state.lastAppliedSha,
          lastCommittedSha: state.lastCommittedSha,
          lastCommitAt: lastCommit[0]?.createdAt ?? null,
          waiting: waiting.length,
          lastPush: lastPushView(lastInbound[0]),
          integrity: deps.sync.integrity.report(tenant.slug),
          // Provider git: the last poll of the server (when, what head, why it failed).
          ...(poll ? { poll } : {}),
        } satisfies api.TenantStatus,
      };
    },
  },
  {
    method: "POST",
    path: `${base}/sync`,
    access: "editor",
    handler: async ({ params }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      const outcome = await deps.sync.locks.run(tenant.slug, () => deps.sync.outbound.flush(tenant.slug));
      return { status: 200, body: outcome satisfies api.SyncNowOutcome };
    },
  },
  {
    method: "POST",
    path: `${base}/snapshots`,
    access: "editor",
    handler: async ({ params, principal }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      if (!principal) throw new GitsyncError("unauthorized", "a token is required");
      const entry = await deps.sync.snapshots.start(tenant.slug, actorOf(principal));
      return { status: 202, body: entry satisfies api.SyncLogEntry, headers: { location: `/api/v1/tenants/${tenant.slug}/snapshots/${entry.id}` } };
    },
  },
  {
    method: "GET",
    path: `${base}/snapshots/{id}`,
    access: "viewer",
    handler: async ({ params }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      const id = positiveInt(params, "id");
      const entry: SyncLogEntry | null = await deps.store.getSyncLog(tenant.slug, id);
      if (!entry || entry.direction !== "SNAPSHOT") throw new NotFoundError(`no snapshot ${id}`, { id });
      return { status: 200, body: entry satisfies api.SyncLogEntry };
    },
  },
  {
    method: "POST",
    path: `${base}/imports`,
    access: "admin",
    handler: async ({ params, body, principal }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      if (!principal) throw new GitsyncError("unauthorized", "a token is required");
      const input = deps.schemas.check(api.ImportInput, body);
      // Importing reads the source tenant: a token that cannot read it learns nothing of it.
      if (input.source !== undefined && roleIn(principal.token, principal.user, input.source) === null) {
        throw new NotFoundError(`no tenant ${input.source}`, { tenant: input.source });
      }
      const outcome = await deps.sync.locks.run(tenant.slug, () =>
        deps.sync.imports.run({ tenant: tenant.slug, ...input, actor: actorOf(principal) }),
      );
      // Imported resources go to the target's git like any app change (the flush was queued with them).
      if (outcome.status === "applied") await deps.sync.changed(tenant.slug, { flushQueued: true });
      return { status: 200, body: outcome satisfies api.ImportOutcome };
    },
  },
  {
    method: "POST",
    path: `${base}/resync`,
    access: "admin",
    handler: async ({ params, body, principal }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      if (!principal) throw new GitsyncError("unauthorized", "a token is required");
      const { direction } = deps.schemas.check(api.ResyncInput, body);
      const outcome = await deps.sync.locks.run(tenant.slug, () => deps.sync.resync.run(tenant.slug, direction, actorOf(principal)));
      return { status: 200, body: outcome satisfies api.ResyncOutcome };
    },
  },
  {
    method: "POST",
    path: `${base}/git/test`,
    access: "admin",
    handler: async ({ params }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      return { status: 200, body: { results: await testConnection(deps, tenant.slug) } satisfies api.GitTestResults };
    },
  },
];

interface TestResult {
  check: string;
  ok: boolean;
  message: string;
  code?: ErrorCode;
}

/**
 * "Test connection": each step says what gitsync could or could not do with the connection,
 * reading only (nothing is written to the repository by a test).
 */
async function testConnection(deps: ApiDeps, tenant: string): Promise<TestResult[]> {
  const git = await deps.store.getGitConnection(tenant);
  if (git.provider === "git") return testGitRemote(deps, tenant, git);
  const results: TestResult[] = [];
  const say = (check: string, ok: boolean, message: string, code?: ErrorCode) => results.push({ check, ok, message, ...(code ? { code } : {}) });
  // The failure's code (`unauthorized` for a revoked token) lets the UI say what to fix.
  const failed = (check: string, error: unknown) =>
    error instanceof GitsyncError ? say(check, false, error.message, error.code) : say(check, false, "the provider did not answer as expected", "provider_error");

  let provider;
  try {
    provider = await deps.registry.forTenant(tenant, git);
    say("credentials", true, git.provider === "local" ? "local repository: no credentials needed" : `a ${git.provider} client is set up`);
  } catch (error) {
    failed("credentials", error);
    return results;
  }
  const repo = { repository: git.repository };
  let head: string | null = null;
  try {
    head = await provider.resolveRef(repo, git.branch);
    say("branch", head !== null, head !== null ? `branch ${git.branch} is at ${head.slice(0, 12)}` : `branch ${git.branch} does not exist yet`);
  } catch (error) {
    failed("branch", error);
    return results;
  }
  if (provider.checkPushAccess) {
    try {
      const access = await provider.checkPushAccess(repo, git.branch);
      say("push", access.ok, access.message);
    } catch (error) {
      failed("push", error);
    }
  }
  if (head !== null) {
    try {
      const files = await provider.readFiles(repo, head, git.path);
      say("read", true, `read ${files.length} file(s) under ${git.path === "" ? "the repository root" : git.path}`);
    } catch (error) {
      failed("read", error);
    }
  }
  const webhooks = deps.registry.forWebhook(git.provider) !== null;
  say(
    "webhooks",
    webhooks,
    webhooks ? `${git.provider} webhooks are verified with the configured secret` : `no webhook secret is configured for ${git.provider}: pushes will not be seen`,
  );
  return results;
}
