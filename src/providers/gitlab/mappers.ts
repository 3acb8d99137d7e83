import type { ChangedFile, PullRequestInfo } from "../../core/index.js";
import { BranchAnswer, CommitAnswer, CompareAnswer, MergeRequestAnswer, read } from "./schema.js";

/** GitLab REST answers (checked by ./schema.ts) → the port's types. */

/** A commit (GET .../repository/commits/:sha, POST .../repository/commits, merge_base). */
export function commitOf(value: unknown, what = "commit"): { id: string; parentIds: string[] } {
  const commit = read(CommitAnswer, value, what);
  return { id: commit.id, parentIds: commit.parent_ids };
}

/** A branch (GET .../repository/branches/:branch): its head commit's id. */
export function branchHeadOf(value: unknown): string {
  return read(BranchAnswer, value, "branch").commit.id;
}

export interface CompareResult {
  files: ChangedFile[];
  timedOut: boolean;
  /** How many diffs GitLab listed (it stops listing at its diff limits). */
  listed: number;
}

/** GET .../repository/compare: `diffs` as changed files. */
export function compareOf(value: unknown): CompareResult {
  const compare = read(CompareAnswer, value, "compare");
  const files = compare.diffs.map((diff): ChangedFile => {
    if (diff.new_file) return { path: diff.new_path, status: "added" };
    if (diff.deleted_file) return { path: diff.old_path, status: "deleted" };
    if (diff.renamed_file) return { path: diff.new_path, status: "renamed", previousPath: diff.old_path };
    return { path: diff.new_path, status: "modified" };
  });
  return { files, timedOut: compare.compare_timeout === true, listed: compare.diffs.length };
}

const MR_STATES: Record<string, PullRequestInfo["state"]> = { opened: "open", locked: "open", merged: "merged", closed: "closed" };

/** A merge request (GET/POST .../merge_requests). */
export function mergeRequestOf(value: unknown): PullRequestInfo {
  const mr = read(MergeRequestAnswer, value, "merge request");
  const state = MR_STATES[mr.state] ?? "open";
  // A squash merge leaves merge_commit_sha null and records squash_commit_sha instead.
  const mergeCommitSha = mr.merge_commit_sha ?? mr.squash_commit_sha ?? null;
  return {
    number: mr.iid,
    url: mr.web_url,
    title: mr.title,
    head: mr.source_branch,
    base: mr.target_branch,
    headSha: mr.sha,
    state,
    mergeCommitSha: state === "merged" ? mergeCommitSha : null,
  };
}
