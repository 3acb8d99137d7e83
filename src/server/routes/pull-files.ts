import type { LocalPullRequest } from "../../core/local-review.js";
import type { LocalProvider } from "../../providers/local/index.js";
import { diffCommits, type FileDiff } from "../../sync/file-diff.js";
import type { ApiDeps } from "../deps.js";

/**
 * A local pull request's changed files, as a forge shows them: from where the head forked off
 * the base to the head. After a merge the base has moved on, so the fork point is found from
 * the merge commit's first parent, or, for a fast-forward, from the last commit gitsync knew
 * the branch at before the merge.
 */

async function baseBeforeMerge(deps: ApiDeps, local: LocalProvider, tenant: string, pull: LocalPullRequest): Promise<string | null> {
  const repo = { repository: pull.repository };
  const merge = pull.mergeCommitSha;
  if (merge === null) return null;
  if (merge !== pull.headSha) return local.resolveRef(repo, `${merge}^1`);
  const entries = await deps.store.listSyncLog(tenant, { limit: 50 });
  for (const entry of entries) {
    if (entry.commitSha === null || entry.commitSha === pull.headSha) continue;
    if (await local.isAncestor(repo, entry.commitSha, pull.headSha).catch(() => false)) return entry.commitSha;
  }
  return local.resolveRef(repo, `${pull.headSha}^1`);
}

export async function pullFiles(deps: ApiDeps, tenant: string, path: string, pull: LocalPullRequest): Promise<FileDiff[]> {
  const local = deps.registry.local;
  const repo = { repository: pull.repository };
  const base = pull.state === "merged" ? await baseBeforeMerge(deps, local, tenant, pull) : await local.resolveRef(repo, pull.base);
  if (base === null) return [];
  const from = (await local.forkPoint(repo, base, pull.headSha)) ?? base;
  return diffCommits(local, repo, from, pull.headSha, path);
}
