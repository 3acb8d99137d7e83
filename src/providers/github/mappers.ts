import type { ChangedFile, ChangedFileStatus, PullRequestInfo } from "../../core/index.js";
import { GitsyncError } from "../../core/index.js";
import { arr, bool, child, type Json, num, obj, optStr, sha, str } from "./shape.js";

export function mapPullRequest(data: unknown): PullRequestInfo {
  const what = "pull request";
  const pr = obj(what, data);
  const head = child(what, pr, "head");
  const base = child(what, pr, "base");
  const state = str(what, pr, "state");
  // `merged` is only in the single-PR answer; the list answer has `merged_at`.
  const merged = typeof pr.merged === "boolean" ? pr.merged : optStr(what, pr, "merged_at") !== null;
  if (state !== "open" && state !== "closed") {
    throw new GitsyncError("provider_error", `GitHub ${what}: field state should be open or closed, found ${JSON.stringify(state)}`, {
      field: "state",
    });
  }
  return {
    number: num(what, pr, "number"),
    url: str(what, pr, "html_url"),
    title: str(what, pr, "title"),
    head: str(what, head, "ref"),
    base: str(what, base, "ref"),
    headSha: sha(what, head, "sha"),
    state: merged ? "merged" : state,
    // While open, merge_commit_sha is GitHub's test merge, not a commit on the base branch.
    mergeCommitSha: merged ? optStr(what, pr, "merge_commit_sha") : null,
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
export function mapCompareFiles(data: Json): ChangedFile[] {
  const what = "compare";
  const files = data.files === undefined ? [] : arr(what, data.files, "files");
  const out: ChangedFile[] = [];
  files.forEach((entry, i) => {
    const file = obj(what, entry, `files[${i}]`);
    const status = str(what, file, "status");
    if (status === "unchanged") return;
    const mapped = STATUSES[status];
    if (!mapped) {
      throw new GitsyncError("provider_error", `GitHub ${what}: field files[${i}].status has unknown value ${JSON.stringify(status)}`, {
        field: `files[${i}].status`,
      });
    }
    const path = str(what, file, "filename");
    const previous = optStr(what, file, "previous_filename");
    out.push(mapped === "renamed" && previous ? { path, status: mapped, previousPath: previous } : { path, status: mapped });
  });
  return out;
}

export type CompareStatus = "diverged" | "ahead" | "behind" | "identical";

export function mapCompareStatus(data: Json): CompareStatus {
  const status = str("compare", data, "status");
  if (status === "diverged" || status === "ahead" || status === "behind" || status === "identical") return status;
  throw new GitsyncError("provider_error", `GitHub compare: field status has unknown value ${JSON.stringify(status)}`, {
    field: "status",
  });
}

/** A recursive tree as path → blob sha (files only; submodules and subtrees are skipped). */
export function mapTreeBlobs(data: unknown): Map<string, string> {
  const what = "tree";
  const tree = obj(what, data);
  if (bool(what, tree, "truncated")) {
    throw new GitsyncError("provider_error", "GitHub tree: the recursive tree is truncated (too many entries); gitsync cannot list it", {
      field: "truncated",
    });
  }
  const blobs = new Map<string, string>();
  arr(what, tree.tree, "tree").forEach((entry, i) => {
    const item = obj(what, entry, `tree[${i}]`);
    if (str(what, item, "type") !== "blob") return;
    blobs.set(str(what, item, "path"), sha(what, item, "sha"));
  });
  return blobs;
}
