import type { CheckedPlan, GitProvider, RepoRef, Store } from "../core/index.js";

/**
 * Finds the pull request a push merged, among those whose latest check recorded a plan: its
 * checked head is the pushed commit or one of its ancestors (a fast-forward or a merge
 * commit), and was not already part of what the tenant reflected. Squash merges rewrite the
 * head and match nothing: the log then simply has no comparison.
 */
export async function findMergedCheck(
  store: Store,
  provider: GitProvider,
  repo: RepoRef,
  tenant: string,
  range: { last: string | null; after: string },
): Promise<CheckedPlan | null> {
  const checked = await store.listCheckedPlans(tenant);
  const exact = checked.find((c) => c.headSha === range.after);
  if (exact) return exact;
  for (const candidate of checked) {
    if (!(await provider.isAncestor(repo, candidate.headSha, range.after))) continue;
    if (range.last !== null && (await provider.isAncestor(repo, candidate.headSha, range.last))) continue;
    return candidate;
  }
  return null;
}
