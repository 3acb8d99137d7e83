import { GitsyncError, type ChangedFile, type PullRequestInfo } from "../../core/index.js";

/**
 * Azure DevOps JSON read field by field: a field missing or of the wrong type is a clear
 * provider error naming the object and the field, never a crash further on.
 */

export type Json = Record<string, unknown>;

export function asObject(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new GitsyncError("provider_error", `Azure DevOps ${what}: expected an object`);
  }
  return value as Json;
}

export function str(object: Json, field: string, what: string): string {
  const value = object[field];
  if (typeof value !== "string") throw new GitsyncError("provider_error", `Azure DevOps ${what}: field "${field}" should be a string`);
  return value;
}

export function int(object: Json, field: string, what: string): number {
  const value = object[field];
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new GitsyncError("provider_error", `Azure DevOps ${what}: field "${field}" should be an integer`);
  }
  return value;
}

/** The `value` array of Azure's list envelope `{count, value}`. */
export function listOf(body: unknown, what: string): Json[] {
  const value = asObject(body, what)["value"];
  if (!Array.isArray(value)) throw new GitsyncError("provider_error", `Azure DevOps ${what}: field "value" should be an array`);
  return value.map((item, i) => asObject(item, `${what}[${i}]`));
}

/** `/config/models/a.yaml` → `config/models/a.yaml`: Azure paths start at the root slash. */
export function repoPath(azurePath: string): string {
  return azurePath.replace(/^\/+/, "");
}

export function azurePath(path: string): string {
  return `/${path.replace(/^\/+/, "")}`;
}

export const BRANCH_PREFIX = "refs/heads/";

export function branchOf(refName: string): string {
  return refName.startsWith(BRANCH_PREFIX) ? refName.slice(BRANCH_PREFIX.length) : refName;
}

const PR_STATE: Record<string, PullRequestInfo["state"]> = { active: "open", completed: "merged", abandoned: "closed" };

/** A GitPullRequest; `webBase` is the repository's web page (the API gives only API URLs). */
export function pullRequestOf(body: unknown, webBase: string): PullRequestInfo {
  const what = "pull request";
  const pr = asObject(body, what);
  const number = int(pr, "pullRequestId", what);
  const status = str(pr, "status", what);
  const commitOf = (field: string): string | null => {
    const commit = pr[field];
    return typeof commit === "object" && commit !== null && typeof (commit as Json)["commitId"] === "string" ? ((commit as Json)["commitId"] as string) : null;
  };
  const state = PR_STATE[status] ?? "open";
  return {
    number,
    url: `${webBase}/pullrequest/${number}`,
    title: str(pr, "title", what),
    head: branchOf(str(pr, "sourceRefName", what)),
    base: branchOf(str(pr, "targetRefName", what)),
    headSha: commitOf("lastMergeSourceCommit") ?? "",
    state,
    mergeCommitSha: state === "merged" ? commitOf("lastMergeCommit") : null,
  };
}

/**
 * A change of a commit diff (GitChange). `changeType` is a flags list such as "edit, rename";
 * folders are skipped (null).
 */
export function changeOf(body: unknown): ChangedFile | null {
  const change = asObject(body, "diff change");
  const item = asObject(change["item"], "diff change.item");
  if (item["isFolder"] === true || item["gitObjectType"] === "tree") return null;
  const path = repoPath(str(item, "path", "diff change.item"));
  const types = str(change, "changeType", "diff change").split(",").map((t) => t.trim().toLowerCase());
  if (types.includes("delete")) return { path, status: "deleted" };
  if (types.includes("add")) return { path, status: "added" };
  const source = change["sourceServerItem"];
  if (types.includes("rename") && typeof source === "string") return { path, status: "renamed", previousPath: repoPath(source) };
  return { path, status: "modified" };
}
