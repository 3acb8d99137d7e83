import type { Actor, RepoRef, SyncDirection, SyncLogEntry, SyncStatus } from "../core/index.js";

/**
 * A resource's history, the same shape for every provider: the sync log entries that named it
 * (who, when, which way, which commit), completed where the repository can say more cheaply
 * (the local provider's `git log` of the file) with the commits no entry recorded, such as a
 * push to another branch that was later merged.
 */

export type HistoryDirection = SyncDirection | "app" | "git";

export interface HistoryEntry {
  direction: HistoryDirection;
  commitSha: string | null;
  author: string | null;
  at: string;
  /** The sync log's status; null for a commit only git knows of, or an unsynced app change. */
  status: SyncStatus | null;
  logId: number | null;
  /** The commit's subject line, when git gave it. */
  subject: string | null;
}

/** A repository that can list the commits that touched some paths (the local provider). */
export interface FileLogSource {
  fileLog(repo: RepoRef, ref: string, paths: string[]): Promise<{ sha: string; author: Actor; date: string; subject: string }[]>;
}

export interface HistoryInput {
  /** Sync log entries, newest first. */
  log: SyncLogEntry[];
  label: string;
  /** The resource's unsynced app change, if any. */
  pending: { author: string; at: string } | null;
  commits: { sha: string; author: Actor; date: string; subject: string }[];
}

function fromLog(entry: SyncLogEntry, subject: string | null): HistoryEntry {
  return {
    direction: entry.direction,
    commitSha: entry.commitSha,
    author: entry.author,
    at: entry.createdAt,
    status: entry.status,
    logId: entry.id,
    subject,
  };
}

/** Merges the log entries naming the resource with git's commits of its file, newest first. */
export function buildHistory(input: HistoryInput): HistoryEntry[] {
  const entries = input.log.filter((e) => e.resources.includes(input.label));
  const subjects = new Map(input.commits.map((c) => [c.sha, c.subject]));
  const logged = new Set(entries.flatMap((e) => (e.commitSha ? [e.commitSha] : [])));
  const items: HistoryEntry[] = entries.map((e) => fromLog(e, e.commitSha ? (subjects.get(e.commitSha) ?? null) : null));
  for (const commit of input.commits) {
    if (logged.has(commit.sha)) continue;
    items.push({ direction: "git", commitSha: commit.sha, author: commit.author.name, at: commit.date, status: null, logId: null, subject: commit.subject });
  }
  items.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (b.logId ?? 0) - (a.logId ?? 0));
  if (input.pending) {
    items.unshift({ direction: "app", commitSha: null, author: input.pending.author, at: input.pending.at, status: "queued", logId: null, subject: null });
  }
  return items;
}
