import type { LocalPullRequest } from "../../core/local-review.js";
import type { ApiDeps } from "../deps.js";

/**
 * Merging respects the check: a local pull request into the tracked branch merges only when
 * gitsync's check on its current head completed without failing. Each reason is a sentence a
 * person can act on; none means the merge may go ahead.
 */
export async function mergeBlockers(deps: ApiDeps, repository: string, trackedBranch: string, pull: LocalPullRequest): Promise<string[]> {
  if (pull.state !== "open") return [`pull request #${pull.number} is ${pull.state}`];
  const head = await deps.registry.local.resolveRef({ repository }, pull.head);
  if (head === null) return [`its head branch ${pull.head} no longer exists`];
  const reasons: string[] = [];
  if (head !== pull.headSha) {
    reasons.push(`the check is stale: ${pull.head} moved to ${head.slice(0, 12)} after ${pull.headSha.slice(0, 12)} was checked; push again or reopen to re-run it`);
  }
  // Only pull requests into the tracked branch are checked: the others change no tenant.
  if (pull.base !== trackedBranch) return reasons;
  const checks = (await deps.store.listLocalChecks(repository, pull.headSha)).filter((c) => c.name === "gitsync" || c.name.startsWith("gitsync/"));
  if (checks.length === 0) reasons.push(`no gitsync check has run on ${pull.headSha.slice(0, 12)} yet`);
  for (const check of checks) {
    if (check.status !== "completed") reasons.push(`the check ${check.name} is still running`);
    else if (check.conclusion === "failure") reasons.push(`the check ${check.name} failed: ${check.title}`);
  }
  return reasons;
}
