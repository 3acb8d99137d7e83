import type { Actor, ChangedFile, DeletionPolicy, Diagnostic, GitConnection, GitProvider, RepoRef, Resource } from "../core/index.js";
import { resourcePath } from "../catalog/serialize.js";
import { locateFile, validateChange, type ConfigFile } from "../validation/index.js";
import type { SyncDeps } from "./deps.js";
import { applyPlan } from "./apply.js";
import { queueFlush } from "./flush-job.js";
import { conflictLabel, findConflicts, preserveConflicts, type Conflict } from "./conflicts.js";
import { computePlan, type Plan } from "./plan.js";
import { digestPlan, type PlanDigest } from "./plan-fingerprint.js";

/**
 * The one flow by which a change from git reaches the tenant: read the change → validate it
 * against the tenant as it will be → plan (conflicts with unsynced app changes included) →
 * apply. The inbound push and `resync from-git` run all of it, an import too (its preview
 * stops before apply); the PR check stops before apply, so it is the merge's dry run: the
 * same validation and planning code, the same verdict.
 */

/** The config files a change wrote under the path, and the paths it removed. */
export interface ConfigChange {
  files: ConfigFile[];
  deletedPaths: string[];
}

export interface PlannedChange {
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
  /** What applying does: items that conflict with unsynced app changes are left out. */
  plan: Plan;
  conflicts: Conflict[];
  digest: PlanDigest;
}

const isConfig = (deps: SyncDeps, git: GitConnection) => (path: string) => locateFile(deps.catalog, git.path, path) !== null;

function deletedOf(changed: readonly ChangedFile[], config: (path: string) => boolean): string[] {
  return changed
    .flatMap((c) => (c.status === "deleted" ? [c.path] : c.status === "renamed" && c.previousPath ? [c.previousPath] : []))
    .filter(config);
}

/** The config paths `head` wrote and removed since it forked from `base` (merge base → head). */
export async function diffPaths(
  deps: SyncDeps,
  provider: GitProvider,
  git: GitConnection,
  base: string,
  head: string,
): Promise<{ wanted: string[]; deletedPaths: string[] }> {
  const config = isConfig(deps, git);
  const changed = await provider.changedFiles({ repository: git.repository }, base, head, git.path);
  return { wanted: changed.filter((c) => c.status !== "deleted" && config(c.path)).map((c) => c.path), deletedPaths: deletedOf(changed, config) };
}

export async function readPaths(
  provider: GitProvider,
  git: GitConnection,
  head: string,
  paths: { wanted: string[]; deletedPaths: string[] },
): Promise<ConfigChange> {
  const files = paths.wanted.length === 0 ? [] : await provider.readFiles({ repository: git.repository }, head, git.path, paths.wanted);
  return { files, deletedPaths: paths.deletedPaths };
}

/** True when any of a push's changed paths is a config file under this connection's path. */
export function touchesConfig(deps: SyncDeps, git: GitConnection, changed: readonly string[]): boolean {
  return changed.some(isConfig(deps, git));
}

/**
 * A change known by its paths alone (a push's changed paths, read once for every tenant of a
 * shared repository): the config files among them that `head` holds are read, and the ones it
 * lacks were removed. No compare is made.
 */
export async function readListed(
  deps: SyncDeps,
  provider: GitProvider,
  git: GitConnection,
  head: string,
  changed: readonly string[],
): Promise<ConfigChange> {
  const wanted = [...new Set(changed)].filter(isConfig(deps, git));
  if (wanted.length === 0) return { files: [], deletedPaths: [] };
  const files = await provider.readFiles({ repository: git.repository }, head, git.path, wanted);
  const present = new Set(files.map((f) => f.path));
  return { files, deletedPaths: wanted.filter((p) => !present.has(p)) };
}

/** What `head` changed since it forked from `base`, as a forge shows a pull request. */
export async function readDiff(deps: SyncDeps, provider: GitProvider, git: GitConnection, base: string, head: string): Promise<ConfigChange> {
  return readPaths(provider, git, head, await diffPaths(deps, provider, git, base, head));
}

/**
 * The whole tree at `head`, for a first sync or a branch that was reset or rewritten:
 * deletions are the config files `previous` held that `head` lacks (none on a first sync, so
 * the tenant's app-only resources are never deleted by it).
 */
export async function readReconcile(
  deps: SyncDeps,
  provider: GitProvider,
  git: GitConnection,
  previous: string | null,
  head: string,
): Promise<ConfigChange> {
  const repo: RepoRef = { repository: git.repository };
  const config = isConfig(deps, git);
  const files = (await provider.readFiles(repo, head, git.path)).filter((f) => config(f.path));
  if (previous === null) return { files, deletedPaths: [] };
  const present = new Set(files.map((f) => f.path));
  const before = (await provider.readFiles(repo, previous, git.path)).map((f) => f.path).filter(config);
  return { files, deletedPaths: before.filter((p) => !present.has(p)) };
}

/**
 * A whole tree as a change that makes the tenant hold exactly it (an import with prune, a
 * resync from git): every exported resource the tree lacks is removed, each by the path its
 * file would have.
 */
export function wholeTree(deps: SyncDeps, basePath: string, files: ConfigFile[], current: readonly Resource[], prune: boolean): ConfigChange {
  const config = files.filter((f) => locateFile(deps.catalog, basePath, f.path) !== null);
  if (!prune) return { files: config, deletedPaths: [] };
  const inTree = new Set(
    config.map((f) => locateFile(deps.catalog, basePath, f.path)).map((l) => (l ? `${l.kind.id}/${l.name}` : "")),
  );
  const deletedPaths = current
    .filter((r) => !r.archived && deps.catalog.byId(r.kind)?.exported && !inTree.has(`${r.kind}/${r.name}`))
    .flatMap((r) => {
      const kind = deps.catalog.byId(r.kind);
      return kind ? [resourcePath(basePath, kind.folder, r.name, "yaml")] : [];
    });
  return { files: config, deletedPaths };
}

export function changeIsEmpty(change: ConfigChange): boolean {
  return change.files.length === 0 && change.deletedPaths.length === 0;
}

export interface PlanOptions {
  /** Where the change's files live (the source's path for an import); the connection's by default. */
  basePath?: string;
  deletions?: DeletionPolicy;
  /** False leaves connection references to the caller (an import lists the missing ones). */
  checkConnections?: boolean;
  /** False for changes that are the app's own (an import) or that git wins by request (a resync). */
  conflicts?: boolean;
}

/** Validates and plans a change against the tenant as it is now; nothing is written. */
export async function planChange(
  deps: SyncDeps,
  tenant: string,
  git: GitConnection,
  change: ConfigChange,
  options: PlanOptions = {},
): Promise<PlannedChange> {
  const { store } = deps;
  const [current, connections, pending] = await Promise.all([
    store.listResources(tenant, undefined, { includeArchived: true }),
    store.listConnections(tenant),
    options.conflicts === false ? Promise.resolve([]) : store.pendingOutbox(tenant),
  ]);
  const result = validateChange({
    catalog: deps.catalog,
    basePath: options.basePath ?? git.path,
    changed: change.files,
    deleted: change.deletedPaths,
    current: current.filter((r: Resource) => !r.archived),
    connections: options.checkConnections === false ? null : connections.map((c) => c.name),
  });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const deletions = options.deletions ?? git.deletions;
  const full = computePlan({ current, incoming: result.resources, deleted: result.deleted, deletions });
  const { plan, conflicts } = findConflicts(full, current, pending);
  return { diagnostics: result.diagnostics, errors, plan, conflicts, digest: digestPlan(plan, conflicts.map(conflictLabel)) };
}

export interface ApplyInput {
  tenant: string;
  git: GitConnection;
  provider: GitProvider;
  /** The commit applied; it becomes the tenant's last applied commit unless `outbox` is set. */
  sha: string;
  /** True when the change must flow on to the tenant's git like an app change (an import). */
  outbox?: boolean;
  actor: Actor;
  planned: PlannedChange;
  /** Writes the sync log entry inside the transaction. */
  log: (tx: SyncDeps["store"]) => Promise<number>;
}

/**
 * Applies a valid plan in ONE transaction (resources, last applied commit, sync log); only
 * after it committed do the conflicts' side effects run (branch, pull request, settled outbox).
 */
export async function applyChange(
  deps: SyncDeps,
  input: ApplyInput,
): Promise<{ logId: number; conflictPull: { number: number; headSha: string } | null }> {
  if (input.planned.errors.length > 0) throw new Error("an invalid change cannot be applied");
  const logId = await deps.store.transaction(async (tx) => {
    await applyPlan(tx, input.tenant, input.planned.plan, input.actor, { outbox: input.outbox === true });
    if (input.outbox === true) await queueFlush(deps, input.tenant, tx);
    else await tx.putSyncState(input.tenant, { lastAppliedSha: input.sha });
    return input.log(tx);
  });
  const kept = await preserveConflicts(deps, {
    tenant: input.tenant,
    git: input.git,
    provider: input.provider,
    base: input.sha,
    conflicts: input.planned.conflicts,
  });
  return { logId, conflictPull: kept && kept.pullRequest !== null ? { number: kept.pullRequest, headSha: kept.sha } : null };
}
