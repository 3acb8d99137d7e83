import type { DriftDirection, GitConnection, GitProvider, TenantDrift } from "../core/index.js";
import type { SyncDeps } from "./deps.js";
import { diffTenantWithTree, type TenantDiffItem } from "./tenant-diff.js";

/**
 * Drift: whether the tenant and its tracked branch hold the same exportable resources, and for
 * each one that differs, which side has it. It is the snapshot's tenant-to-tree diff read the
 * other way round: what a snapshot would create is only in the app, what it would delete is only
 * in git, what it would update differs on both.
 */

const DIRECTION: Record<TenantDiffItem["action"], DriftDirection> = { create: "app-only", delete: "git-only", update: "differs" };

export async function computeDrift(deps: SyncDeps, tenant: string, git: GitConnection, provider: GitProvider, head: string | null): Promise<TenantDrift> {
  const repo = { repository: git.repository };
  const [files, resources, state] = await Promise.all([
    head === null ? Promise.resolve([]) : provider.readFiles(repo, head, git.path),
    deps.store.listResources(tenant),
    deps.store.getSyncState(tenant),
  ]);
  const { items } = diffTenantWithTree({ catalog: deps.catalog, git, resources, files });
  const drift = items
    .map((i) => ({ kind: i.kind, name: i.name, project: i.project, direction: DIRECTION[i.action] }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  return { head, lastAppliedSha: state.lastAppliedSha, inSync: drift.length === 0, items: drift, checkedAt: deps.now().toISOString() };
}

/** Reads the branch head and records the tenant's drift now (the drift API). */
export async function driftNow(deps: SyncDeps, tenant: string): Promise<TenantDrift> {
  const git = await deps.store.getGitConnection(tenant);
  const provider = await deps.providers(tenant, git);
  const head = await provider.resolveRef({ repository: git.repository }, git.branch);
  const drift = await computeDrift(deps, tenant, git, provider, head);
  await deps.store.putDrift(tenant, drift);
  return drift;
}
