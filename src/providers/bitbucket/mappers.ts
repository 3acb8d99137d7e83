import { GitsyncError, type ChangedFile, type ChangedFileStatus, type PullRequestInfo } from "../../core/index.js";
import type { Page } from "../kit/index.js";
import { CommentAnswer, CommitAnswer, DiffstatAnswer, PageAnswer, PullRequestAnswer, read, RefAnswer, SrcEntryAnswer } from "./schema.js";

/**
 * Bitbucket answers (checked by ./schema.ts) → the port's types. `context` names the operation,
 * so a failure says which request answered what.
 */

/** A paginated collection (`values`, optional `next`: the next page's absolute URL), each value mapped with its index. */
export function page<T>(data: unknown, context: string, map: (value: unknown, path: string) => T): Page<T> {
  const answer = read(PageAnswer, data, context);
  return { values: answer.values.map((v, i) => map(v, `values.${i}`)), next: answer.next ?? null };
}

/** A branch (`refs/branches/{name}`): the commit it points at. */
export function branchHead(data: unknown, context: string): string {
  return read(RefAnswer, data, context).target.hash;
}

/** A commit, a tag's target or a merge base: its hash. */
export function commitHash(data: unknown, context: string): string {
  return read(CommitAnswer, data, context).hash;
}

export function tagHead(data: unknown, context: string): string {
  return read(RefAnswer, data, context).target.hash;
}

export interface SrcEntry {
  path: string;
  type: "commit_file" | "commit_directory" | "commit_link";
}

export function srcEntry(data: unknown, at: string, context: string): SrcEntry {
  return read(SrcEntryAnswer, data, `${context} (${at})`);
}

const DIFFSTAT_STATUS: Record<string, ChangedFileStatus> = { added: "added", modified: "modified", removed: "deleted", renamed: "renamed" };

/** A diffstat entry: the change, and the link to its new side (at the diff's head commit), if any. */
export function diffstatEntry(data: unknown, at: string, context: string): { change: ChangedFile; newLink: string | null } {
  const entry = read(DiffstatAnswer, data, `${context} (${at})`);
  const oldPath = entry.old?.path ?? null;
  const newPath = entry.new?.path ?? null;
  // Conflict statuses only occur in merge diffstats; the file is changed either way.
  const mapped = DIFFSTAT_STATUS[entry.status] ?? "modified";
  const path = newPath ?? oldPath;
  if (path === null) {
    throw new GitsyncError("provider_error", `bitbucket ${context} (${at}): unexpected response: field new.path: a string when old.path is null`, { field: "new.path" });
  }
  const file: ChangedFile = { path, status: mapped };
  if (mapped === "renamed" && oldPath !== null && oldPath !== path) file.previousPath = oldPath;
  return { change: file, newLink: entry.new?.links?.self?.href ?? null };
}

const PR_STATE: Record<string, PullRequestInfo["state"]> = { OPEN: "open", MERGED: "merged", DECLINED: "closed", SUPERSEDED: "closed" };

export function pullRequest(data: unknown, context: string): PullRequestInfo {
  const pr = read(PullRequestAnswer, data, context);
  return {
    number: pr.id,
    url: pr.links.html.href,
    title: pr.title,
    head: pr.source.branch.name,
    base: pr.destination.branch.name,
    headSha: pr.source.commit.hash,
    state: PR_STATE[pr.state] ?? "open",
    mergeCommitSha: pr.merge_commit?.hash ?? null,
  };
}

export interface PrComment {
  id: number;
  raw: string;
  deleted: boolean;
}

export function prComment(data: unknown, context: string): PrComment {
  const comment = read(CommentAnswer, data, context);
  return { id: comment.id, raw: comment.content?.raw ?? "", deleted: comment.deleted === true };
}
