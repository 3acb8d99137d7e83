import { GitsyncError, type ChangedFile, type PullRequestInfo } from "../../core/index.js";

/**
 * GitLab REST responses → the port's types. Each reader names the response and the field that
 * was not what GitLab documents, so a proxy page or an API change fails loudly, not as `undefined`.
 */

type Json = Record<string, unknown>;

function shapeError(what: string, field: string, expected: string, value: unknown): GitsyncError {
  const got = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  return new GitsyncError("provider_error", `GitLab ${what}: field "${field}" should be ${expected}, got ${got}`, { what, field });
}

export function asObject(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw shapeError(what, "(response)", "an object", value);
  return value as Json;
}

export function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw shapeError(what, "(response)", "an array", value);
  return value;
}

export function str(obj: Json, field: string, what: string): string {
  const value = obj[field];
  if (typeof value !== "string") throw shapeError(what, field, "a string", value);
  return value;
}

function strOrNull(obj: Json, field: string, what: string): string | null {
  const value = obj[field];
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw shapeError(what, field, "a string or null", value);
  return value;
}

function int(obj: Json, field: string, what: string): number {
  const value = obj[field];
  if (typeof value !== "number" || !Number.isInteger(value)) throw shapeError(what, field, "an integer", value);
  return value;
}

function bool(obj: Json, field: string, what: string): boolean {
  const value = obj[field];
  if (typeof value !== "boolean") throw shapeError(what, field, "a boolean", value);
  return value;
}

/** A commit (GET .../repository/commits/:sha, POST .../repository/commits, merge_base). */
export function commitOf(value: unknown, what = "commit"): { id: string; parentIds: string[] } {
  const obj = asObject(value, what);
  const parents = obj["parent_ids"];
  if (!Array.isArray(parents) || parents.some((p) => typeof p !== "string")) throw shapeError(what, "parent_ids", "an array of strings", parents);
  return { id: str(obj, "id", what), parentIds: parents as string[] };
}

/** A branch (GET .../repository/branches/:branch): its head commit's id. */
export function branchHeadOf(value: unknown): string {
  const obj = asObject(value, "branch");
  return str(asObject(obj["commit"], "branch.commit"), "id", "branch.commit");
}

export interface CompareResult {
  files: ChangedFile[];
  timedOut: boolean;
  /** How many diffs GitLab listed (it stops listing at its diff limits). */
  listed: number;
}

/** GET .../repository/compare: `diffs` as changed files. */
export function compareOf(value: unknown): CompareResult {
  const obj = asObject(value, "compare");
  const diffs = asArray(obj["diffs"], "compare.diffs");
  const timeout = obj["compare_timeout"];
  const files = diffs.map((entry, index): ChangedFile => {
    const what = `compare.diffs[${index}]`;
    const diff = asObject(entry, what);
    const newPath = str(diff, "new_path", what);
    const oldPath = str(diff, "old_path", what);
    if (bool(diff, "new_file", what)) return { path: newPath, status: "added" };
    if (bool(diff, "deleted_file", what)) return { path: oldPath, status: "deleted" };
    if (bool(diff, "renamed_file", what)) return { path: newPath, status: "renamed", previousPath: oldPath };
    return { path: newPath, status: "modified" };
  });
  return { files, timedOut: timeout === true, listed: diffs.length };
}

const MR_STATES: Record<string, PullRequestInfo["state"]> = { opened: "open", locked: "open", merged: "merged", closed: "closed" };

/** A merge request (GET/POST .../merge_requests). */
export function mergeRequestOf(value: unknown): PullRequestInfo {
  const what = "merge request";
  const obj = asObject(value, what);
  const stateName = str(obj, "state", what);
  const state = MR_STATES[stateName];
  if (state === undefined) throw shapeError(what, "state", `one of ${Object.keys(MR_STATES).join(", ")}`, stateName);
  // A squash merge leaves merge_commit_sha null and records squash_commit_sha instead.
  const mergeCommitSha = strOrNull(obj, "merge_commit_sha", what) ?? strOrNull(obj, "squash_commit_sha", what);
  return {
    number: int(obj, "iid", what),
    url: str(obj, "web_url", what),
    title: str(obj, "title", what),
    head: str(obj, "source_branch", what),
    base: str(obj, "target_branch", what),
    headSha: str(obj, "sha", what),
    state,
    mergeCommitSha: state === "merged" ? mergeCommitSha : null,
  };
}

/** A note (GET .../merge_requests/:iid/notes): id, body and whether GitLab wrote it. */
export function noteOf(value: unknown, index: number): { id: number; body: string; system: boolean } {
  const what = `notes[${index}]`;
  const obj = asObject(value, what);
  return { id: int(obj, "id", what), body: str(obj, "body", what), system: bool(obj, "system", what) };
}
