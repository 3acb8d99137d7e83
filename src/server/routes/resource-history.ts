import * as api from "../../api/shapes.js";
import type { Kind } from "../../catalog/kind.js";
import { GitsyncError, NotFoundError } from "../../core/errors.js";
import { RESOURCE_NAME } from "../../core/types.js";
import { resourceLabel } from "../../sync/inbound.js";
import type { Plan } from "../../sync/plan.js";
import { candidatePaths, readResourceFile } from "../../sync/resource-file.js";
import { buildHistory, type FileLogSource } from "../../sync/resource-history.js";
import { restore } from "../../sync/restore.js";
import { actorOf } from "../auth.js";
import type { ApiDeps } from "../deps.js";
import type { Route } from "../router.js";
import { param, requireTenant } from "./common.js";

/**
 * What a resource page shows besides the resource: its file as git has it, its history, and
 * restoring it (or the whole tenant) as of a commit.
 */

const base = "/api/v1/tenants/{tenant}/resources/{kind}/{name}";
/** How far back the sync log is read for one resource's entries. */
const LOG_WINDOW = 500;

async function target(deps: ApiDeps, params: Record<string, string>): Promise<{ tenant: string; kind: Kind; name: string }> {
  const tenant = await requireTenant(deps.store, params.tenant);
  const folder = param(params, "kind");
  const kind = deps.catalog.byFolder(folder);
  if (!kind || !kind.exported) throw new NotFoundError(`no kind ${folder}`, { kind: folder });
  const name = param(params, "name");
  if (!RESOURCE_NAME.test(name)) throw new GitsyncError("bad_request", "the name must match [a-z0-9][a-z0-9._-]{0,99}", { name });
  return { tenant: tenant.slug, kind, name };
}

async function tenantGit(deps: ApiDeps, tenant: string) {
  const git = await deps.store.getGitConnection(tenant);
  return { git, provider: await deps.sync.deps.providers(tenant, git) };
}

/** The plan without resource bodies: the names, actions and fields say what changes. */
function planView(plan: Plan): Plan {
  return { counts: plan.counts, items: plan.items.map(({ body: _body, ...item }) => item) };
}

export const resourceHistoryRoutes: Route[] = [
  {
    method: "GET",
    path: `${base}/history`,
    access: "viewer",
    handler: async ({ params }, deps) => {
      const { tenant, kind, name } = await target(deps, params);
      const { git, provider } = await tenantGit(deps, tenant);
      const paths = candidatePaths(git.path, kind, name, git.format);
      const head = await provider.resolveRef({ repository: git.repository }, git.branch);
      const label = resourceLabel({ kind: kind.id, name });
      // Only a repository on disk answers "which commits touched this file" cheaply.
      const fileLog: FileLogSource | null = git.provider === "local" ? deps.registry.local : null;
      const [log, outbox, resource, commits] = await Promise.all([
        deps.store.listSyncLog(tenant, { limit: LOG_WINDOW }),
        deps.store.pendingOutbox(tenant),
        deps.store.getResource(tenant, kind.id, name),
        head !== null && fileLog ? fileLog.fileLog({ repository: git.repository }, head, paths) : Promise.resolve([]),
      ]);
      const waiting = outbox.some((o) => o.kind === kind.id && o.name === name);
      const pending = waiting && resource ? { author: resource.updatedBy, at: resource.updatedAt } : null;
      const items = buildHistory({ log, label, pending, commits });
      return { status: 200, body: { kind: kind.folder, name, paths, branch: git.branch, head, items } satisfies api.ResourceHistory };
    },
  },
  {
    method: "GET",
    path: `${base}/file`,
    access: "viewer",
    handler: async ({ params, query }, deps) => {
      const { tenant, kind, name } = await target(deps, params);
      const { git, provider } = await tenantGit(deps, tenant);
      const ref = query.get("ref") || git.branch;
      return { status: 200, body: (await readResourceFile(provider, git, { ref, kind, name })) satisfies api.ResourceFile };
    },
  },
  {
    method: "POST",
    path: "/api/v1/tenants/{tenant}/restore",
    access: "editor",
    handler: async ({ params, body, principal }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      if (!principal) throw new GitsyncError("unauthorized", "a token is required");
      const input = deps.schemas.check(api.RestoreInput, body);
      const outcome = await deps.sync.locks.run(tenant.slug, () => restore(deps.sync.deps, { tenant: tenant.slug, ...input, actor: actorOf(principal) }));
      // Restored resources reach git like any app change: a commit, or pending changes.
      if (outcome.status === "applied") await deps.sync.changed(tenant.slug, { flushQueued: true });
      return { status: 200, body: { ...outcome, plan: planView(outcome.plan) } satisfies api.RestoreOutcome };
    },
  },
];
