import type { Actor, FileContent, GitConnection, GitProvider } from "../core/index.js";
import { GitsyncError, NotFoundError } from "../core/index.js";
import type { SyncDeps } from "./deps.js";
import { planChange, wholeTree, type ConfigChange } from "./change-flow.js";
import { applyImported } from "./imported-change.js";
import { planChangesTenant, type Plan } from "./plan.js";
import { candidatePaths, findFile, requireCommit } from "./resource-file.js";

/**
 * RESTORE: the tenant (or some of its resources) as they were at a commit of its own branch.
 * It is an app change like any other: planned with the same code as a check, validated against
 * the whole tenant as it would be after, applied in one transaction, and sent on to git through
 * the outbox (a commit in direct mode, pending changes in pull-request mode). A resource that
 * had no file at that commit is removed (archived), as the commit had it.
 */

export interface RestoreRequest {
  tenant: string;
  ref: string;
  /** Kind folder and name; the whole tenant when absent. */
  resources?: { kind: string; name: string }[];
  dryRun?: boolean;
  actor: Actor;
}

export interface RestoreOutcome {
  status: "planned" | "applied" | "unchanged";
  sha: string;
  plan: Plan;
  logId: number | null;
}

/** The chosen resources' files at `sha`; those with none there become deletions. */
async function selectedChange(
  deps: SyncDeps,
  at: { provider: GitProvider; git: GitConnection; sha: string },
  wanted: { kind: string; name: string }[],
): Promise<ConfigChange> {
  const { provider, git, sha } = at;
  const files: FileContent[] = [];
  const deletedPaths: string[] = [];
  for (const { kind: folder, name } of wanted) {
    const kind = deps.catalog.byFolder(folder) ?? deps.catalog.byId(folder);
    if (!kind || !kind.exported) throw new NotFoundError(`no kind ${folder}`, { kind: folder });
    const paths = candidatePaths(git.path, kind, name, git.format);
    const file = await findFile(provider, git, sha, paths);
    if (file) files.push(file);
    else deletedPaths.push(paths[0] ?? "");
  }
  return { files, deletedPaths };
}

export async function restore(deps: SyncDeps, request: RestoreRequest): Promise<RestoreOutcome> {
  const { store } = deps;
  const git = await store.getGitConnection(request.tenant);
  const provider = await deps.providers(request.tenant, git);
  const sha = await requireCommit(provider, git, request.ref);
  const current = await store.listResources(request.tenant, undefined, { includeArchived: true });
  const change =
    request.resources && request.resources.length > 0
      ? await selectedChange(deps, { provider, git, sha }, request.resources)
      : wholeTree(deps, git.path, await provider.readFiles({ repository: git.repository }, sha, git.path), current, true);
  // Restoring is the app's own change: nothing to keep from git, and removals stay restorable.
  const planned = await planChange(deps, request.tenant, git, change, { deletions: "archive", conflicts: false });
  if (planned.errors.length > 0) {
    // Refused like any write that would leave the tenant invalid, with every finding.
    const first = planned.errors[0]?.message ?? "";
    throw new GitsyncError("validation_failed", `restoring ${request.ref} would leave the tenant invalid: ${first}`, {
      diagnostics: planned.errors,
      sha,
    });
  }
  if (!planChangesTenant(planned.plan)) return { status: "unchanged", sha, plan: planned.plan, logId: null };
  if (request.dryRun) return { status: "planned", sha, plan: planned.plan, logId: null };

  const logId = await applyImported(deps, {
    tenant: request.tenant,
    git,
    provider,
    sha,
    actor: request.actor,
    planned,
    branch: git.branch,
    files: change.files.map((f) => f.path),
    note: `restore of ${request.ref}`,
  });
  deps.log.info({ tenant: request.tenant, ref: request.ref, commit: sha, counts: planned.plan.counts, logId }, "restore");
  return { status: "applied", sha, plan: planned.plan, logId };
}
