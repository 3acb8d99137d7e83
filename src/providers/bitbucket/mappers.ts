import { GitsyncError, type ChangedFile, type ChangedFileStatus, type PullRequestInfo } from "../../core/index.js";

/**
 * Bitbucket responses → the port's types. Every read of a field is checked, and a response of
 * the wrong shape fails with the operation and the field's path, never with a TypeError later.
 */

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

function fail(context: string, path: string, expected: string, value: unknown): never {
  throw new GitsyncError("provider_error", `bitbucket ${context}: unexpected response: field '${path}' should be ${expected}, got ${describe(value)}`, {
    provider: "bitbucket",
    field: path,
  });
}

function get(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function str(value: unknown, path: string, context: string): string {
  const found = get(value, path);
  return typeof found === "string" ? found : fail(context, path, "a string", found);
}

function optStr(value: unknown, path: string, context: string): string | null {
  const found = get(value, path);
  if (found === undefined || found === null) return null;
  return typeof found === "string" ? found : fail(context, path, "a string or null", found);
}

export function int(value: unknown, path: string, context: string): number {
  const found = get(value, path);
  return typeof found === "number" && Number.isInteger(found) ? found : fail(context, path, "an integer", found);
}

export function list(value: unknown, path: string, context: string): unknown[] {
  const found = get(value, path);
  return Array.isArray(found) ? found : fail(context, path, "an array", found);
}

export interface Page<T> {
  values: T[];
  /** The absolute URL of the next page, or null on the last one. */
  next: string | null;
}

/** A paginated collection (`values`, optional `next`), each value mapped with its index. */
export function page<T>(data: unknown, context: string, map: (value: unknown, path: string) => T): Page<T> {
  const values = list(data, "values", context).map((v, i) => map(v, `values.${i}`));
  return { values, next: optStr(data, "next", context) };
}

/** A branch (`refs/branches/{name}`): the commit it points at. */
export function branchHead(data: unknown, context: string): string {
  return str(data, "target.hash", context);
}

/** A commit, a tag's target or a merge base: its hash. */
export function commitHash(data: unknown, context: string): string {
  return str(data, "hash", context);
}

export function tagHead(data: unknown, context: string): string {
  return str(data, "target.hash", context);
}

export interface SrcEntry {
  path: string;
  type: "commit_file" | "commit_directory" | "commit_link";
}

export function srcEntry(data: unknown, at: string, context: string): SrcEntry {
  const where = `${context} (${at})`;
  const type = str(data, "type", where);
  if (type !== "commit_file" && type !== "commit_directory" && type !== "commit_link") {
    fail(where, "type", "commit_file, commit_directory or commit_link", type);
  }
  return { path: str(data, "path", where), type };
}

const DIFFSTAT_STATUS: Record<string, ChangedFileStatus> = {
  added: "added",
  modified: "modified",
  removed: "deleted",
  renamed: "renamed",
};

export function diffstatEntry(data: unknown, at: string, context: string): ChangedFile {
  const where = `${context} (${at})`;
  const status = str(data, "status", where);
  const oldPath = optStr(data, "old.path", where);
  const newPath = optStr(data, "new.path", where);
  // Conflict statuses only occur in merge diffstats; the file is changed either way.
  const mapped = DIFFSTAT_STATUS[status] ?? "modified";
  const path = newPath ?? oldPath;
  if (path === null) fail(where, "new.path", "a string when old.path is null", null);
  const file: ChangedFile = { path, status: mapped };
  if (mapped === "renamed" && oldPath !== null && oldPath !== path) file.previousPath = oldPath;
  return file;
}

const PR_STATE: Record<string, PullRequestInfo["state"]> = {
  OPEN: "open",
  MERGED: "merged",
  DECLINED: "closed",
  SUPERSEDED: "closed",
};

export function pullRequest(data: unknown, context: string): PullRequestInfo {
  const state = str(data, "state", context);
  const mapped = PR_STATE[state];
  if (!mapped) fail(context, "state", "OPEN, MERGED, DECLINED or SUPERSEDED", state);
  return {
    number: int(data, "id", context),
    url: str(data, "links.html.href", context),
    title: str(data, "title", context),
    head: str(data, "source.branch.name", context),
    base: str(data, "destination.branch.name", context),
    headSha: str(data, "source.commit.hash", context),
    state: mapped,
    mergeCommitSha: optStr(data, "merge_commit.hash", context),
  };
}

export interface PrComment {
  id: number;
  raw: string;
  deleted: boolean;
}

export function prComment(data: unknown, at: string, context: string): PrComment {
  const where = `${context} (${at})`;
  return { id: int(data, "id", where), raw: optStr(data, "content.raw", where) ?? "", deleted: get(data, "deleted") === true };
}
