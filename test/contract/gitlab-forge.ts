import { createHash } from "node:crypto";
import { toBytes } from "./file-bytes.js";
import { treeChanges } from "./tree-changes.js";
import { ancestry, mergeBaseOf } from "./commit-graph.js";

/**
 * The in-memory GitLab project behind the contract harness: commits with full file maps (path →
 * bytes), branches, merge requests, notes and commit statuses. Plain data; the harness turns it into
 * API responses shaped like fixtures/gitlab.
 */

export interface ForgeCommit {
  id: string;
  parentIds: string[];
  files: Map<string, Buffer>;
  message: string;
  authorName: string;
  authorEmail: string;
}

export interface ForgeMergeRequest {
  iid: number;
  title: string;
  description: string;
  sourceBranch: string;
  targetBranch: string;
  state: "opened" | "closed" | "merged";
}

export interface ForgeNote {
  id: number;
  body: string;
  system: boolean;
}

export interface ForgeStatus {
  id: number;
  sha: string;
  name: string;
  state: string;
  description: string | null;
  /** The branch named in the request (`ref`), null when none was. */
  ref: string | null;
}

export interface ForgeDiff {
  old_path: string;
  new_path: string;
  new_file: boolean;
  renamed_file: boolean;
  deleted_file: boolean;
}

export class CommitRejected extends Error {}

/** A Commits API action; `encoding` "base64" carries bytes, "text" (the default) UTF-8 text. */
export type ForgeAction = { action: string; file_path: string; content?: string; encoding?: string };

function actionBytes(action: ForgeAction): Buffer {
  const content = action.content ?? "";
  return action.encoding === "base64" ? Buffer.from(content, "base64") : toBytes(content);
}

export class GitLabForge {
  readonly commits = new Map<string, ForgeCommit>();
  readonly branches = new Map<string, string>();
  readonly mergeRequests: ForgeMergeRequest[] = [];
  readonly notes = new Map<number, ForgeNote[]>();
  readonly statuses: ForgeStatus[] = [];
  #counter = 0;

  nextId(): number {
    this.#counter += 1;
    return this.#counter;
  }

  addCommit(parentIds: string[], files: Map<string, Buffer>, message: string, author: { name: string; email: string }): string {
    const id = createHash("sha1").update(`${this.nextId()}\0${parentIds.join(",")}\0${message}`).digest("hex");
    this.commits.set(id, { id, parentIds, files, message, authorName: author.name, authorEmail: author.email });
    return id;
  }

  /** A branch name, a full sha or a unique sha prefix of at least 7 characters. */
  resolve(ref: string): string | null {
    const branch = this.branches.get(ref);
    if (branch !== undefined) return branch;
    if (this.commits.has(ref)) return ref;
    if (/^[0-9a-f]{7,40}$/.test(ref)) {
      const matches = [...this.commits.keys()].filter((id) => id.startsWith(ref));
      if (matches.length === 1) return matches[0] ?? null;
    }
    return null;
  }

  commit(sha: string): ForgeCommit {
    const commit = this.commits.get(sha);
    if (commit === undefined) throw new Error(`forge: no commit ${sha}`);
    return commit;
  }

  ancestors(sha: string): Set<string> {
    return new Set(ancestry(sha, (c) => this.commit(c).parentIds));
  }

  mergeBase(a: string, b: string): string | null {
    return mergeBaseOf(a, b, (c) => this.commit(c).parentIds);
  }

  /** The straight diff of two trees, as GitLab lists it, exact renames included. */
  diff(from: string, to: string): ForgeDiff[] {
    return treeChanges(this.commit(from).files, this.commit(to).files).map((c) => ({
      old_path: c.previous ?? c.path,
      new_path: c.path,
      new_file: c.status === "added",
      renamed_file: c.status === "renamed",
      deleted_file: c.status === "removed",
    }));
  }

  /** The first commit of an empty project: the actions against an empty tree. */
  applyActionsToNothing(actions: ForgeAction[]): Map<string, Buffer> {
    return this.#apply(new Map(), actions);
  }

  /** GitLab's commit service: validates each action against the start tree, then commits. */
  applyActions(start: string, actions: ForgeAction[]): Map<string, Buffer> {
    return this.#apply(new Map(this.commit(start).files), actions);
  }

  #apply(files: Map<string, Buffer>, actions: ForgeAction[]): Map<string, Buffer> {
    for (const action of actions) {
      const exists = files.has(action.file_path);
      switch (action.action) {
        case "create":
          if (exists) throw new CommitRejected("A file with this name already exists");
          files.set(action.file_path, actionBytes(action));
          break;
        case "update":
          if (!exists) throw new CommitRejected("A file with this name doesn't exist");
          files.set(action.file_path, actionBytes(action));
          break;
        case "delete":
          if (!exists) throw new CommitRejected("A file with this name doesn't exist");
          files.delete(action.file_path);
          break;
        default:
          throw new CommitRejected(`Unknown action '${action.action}'`);
      }
    }
    return files;
  }
}
