import type { ChangedFile, ChangedFileStatus, PullRequestInfo } from "../../core/index.js";
import { GitsyncError } from "../../core/index.js";
import { type CompareAnswer, PullRequestAnswer, read, TreeAnswer } from "./schema.js";
import type { z } from "zod";

export function mapPullRequest(data: unknown): PullRequestInfo {
  const pr = read(PullRequestAnswer, data, "pull request");
  const merged = pr.merged ?? (pr.merged_at !== null && pr.merged_at !== undefined);
  return {
    number: pr.number,
    url: pr.html_url,
    title: pr.title,
    head: pr.head.ref,
    base: pr.base.ref,
    headSha: pr.head.sha,
    state: merged ? "merged" : pr.state,
    // While open, merge_commit_sha is GitHub's test merge, not a commit on the base branch.
    mergeCommitSha: merged ? (pr.merge_commit_sha ?? null) : null,
  };
}

const STATUSES: Record<string, ChangedFileStatus> = {
  added: "added",
  removed: "deleted",
  modified: "modified",
  changed: "modified",
  renamed: "renamed",
  copied: "added",
};

/** The `files` of a compare answer; `unchanged` entries are dropped. */
export function mapCompareFiles(data: z.output<typeof CompareAnswer>): ChangedFile[] {
  const out: ChangedFile[] = [];
  for (const file of data.files ?? []) {
    const mapped = STATUSES[file.status];
    if (mapped === undefined) continue;
    const previous = file.previous_filename;
    out.push(mapped === "renamed" && previous ? { path: file.filename, status: mapped, previousPath: previous } : { path: file.filename, status: mapped });
  }
  return out;
}

/** A recursive tree as path → blob sha (files only; submodules and subtrees are skipped). */
export function mapTreeBlobs(data: unknown): Map<string, string> {
  const tree = read(TreeAnswer, data, "tree");
  if (tree.truncated) {
    throw new GitsyncError("provider_error", "GitHub tree: the recursive tree is truncated (too many entries); gitsync cannot list it", {
      field: "truncated",
    });
  }
  return new Map(tree.tree.filter((item) => item.type === "blob").map((item) => [item.path, item.sha]));
}
