import { createHash } from "node:crypto";
import { toBytes } from "./file-bytes.js";
import { treeChanges } from "./tree-changes.js";
import { ancestry, mergeBaseOf } from "./commit-graph.js";

/**
 * The in-memory Azure DevOps repository behind the contract harness and the flow tests:
 * commits with full file maps (path → bytes), branches, pull requests, statuses and threads. Plain data; the
 * harness turns it into REST answers shaped like fixtures/azure-devops.
 */

export interface AzureUser {
  name: string;
  email: string;
}

export interface AzureCommit {
  id: string;
  parents: string[];
  files: Map<string, Buffer>;
  comment: string;
  author: AzureUser;
  committer: AzureUser;
}

export interface AzurePullRequest {
  id: number;
  title: string;
  description: string;
  source: string;
  target: string;
  status: "active" | "completed" | "abandoned";
}

export interface AzureStatus {
  id: number;
  /** The commit or `pr:<id>` the status was posted on. */
  on: string;
  state: string;
  description: string;
  genre: string;
  name: string;
}

export interface AzureThread {
  id: number;
  status: string;
  filePath: string | null;
  line: number | null;
  comments: { id: number; content: string }[];
}

export type PushChange = { changeType: string; item: { path: string }; newContent?: { content: string; contentType: string } };

/** One entry of a commit diff; `previous` is a rename's old path. */
export interface AzureDiffChange {
  path: string;
  changeType: "add" | "edit" | "delete" | "rename";
  folder: boolean;
  previous?: string;
}

export class PushRejected extends Error {}

export class AzureForge {
  readonly commits = new Map<string, AzureCommit>();
  readonly branches = new Map<string, string>();
  readonly pullRequests: AzurePullRequest[] = [];
  readonly statuses: AzureStatus[] = [];
  readonly threads = new Map<number, AzureThread[]>();
  #counter = 0;

  nextId(): number {
    this.#counter += 1;
    return this.#counter;
  }

  addCommit(parents: string[], files: Map<string, Buffer>, comment: string, author: AzureUser, committer = author): string {
    const id = createHash("sha1").update(`${this.nextId()}\0${parents.join(",")}\0${comment}`).digest("hex");
    this.commits.set(id, { id, parents, files, comment, author, committer });
    return id;
  }

  commit(sha: string): AzureCommit {
    const commit = this.commits.get(sha);
    if (commit === undefined) throw new Error(`forge: no commit ${sha}`);
    return commit;
  }

  /** A file's content as text, for assertions on what gitsync wrote (UTF-8 by construction). */
  text(sha: string, path: string): string | undefined {
    return this.commit(sha).files.get(path)?.toString("utf8");
  }

    ancestors(sha: string): Set<string> {
    return new Set(ancestry(sha, (c) => this.commit(c).parents));
  }

  mergeBase(a: string, b: string): string | null {
    return mergeBaseOf(a, b, (c) => this.commit(c).parents);
  }

  /**
   * Files and folders changed from one commit to another, with Azure's change types: a file
   * removed and one added with the same content is a rename (git's exact-rename detection).
   */
  diff(from: string, to: string): AzureDiffChange[] {
    const before = this.commit(from).files;
    const after = this.commit(to).files;
    const changes: AzureDiffChange[] = treeChanges(before, after).map((c) => {
      if (c.status === "renamed") return { path: c.path, changeType: "rename", folder: false, previous: c.previous as string };
      return { path: c.path, changeType: c.status === "added" ? "add" : c.status === "removed" ? "delete" : "edit", folder: false };
    });
    // Azure lists a new folder as a change of its own.
    const folders = (files: Map<string, Buffer>) => new Set([...files.keys()].flatMap((p) => p.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))));
    const had = folders(before);
    for (const folder of folders(after)) if (!had.has(folder)) changes.push({ path: folder, changeType: "add", folder: true });
    return changes;
  }

  /** The Pushes API: checks the lock, applies the changes to the parent's tree, moves the ref. */
  push(branch: string, oldObjectId: string, parents: string[], changes: PushChange[], comment: string, author: AzureUser, committer: AzureUser): string {
    const current = this.branches.get(branch) ?? "0".repeat(40);
    if (current !== oldObjectId) throw new PushRejected("stale");
    const base = parents[0] ?? (oldObjectId === "0".repeat(40) ? undefined : oldObjectId);
    const files = new Map(base === undefined ? [] : this.commit(base).files);
    for (const change of changes) {
      const path = change.item.path.replace(/^\//, "");
      const exists = files.has(path);
      if (change.changeType === "delete") {
        if (!exists) throw new PushRejected(`TF401174: The item '${change.item.path}' could not be found`);
        files.delete(path);
        continue;
      }
      if (change.changeType === "add" && exists) throw new PushRejected(`TF402455: the file '${change.item.path}' already exists`);
      if (change.changeType === "edit" && !exists) throw new PushRejected(`TF401174: The item '${change.item.path}' could not be found`);
      const content = change.newContent as { content: string; contentType: string };
      // base64encoded carries the file's bytes; rawtext is text, stored as UTF-8.
      files.set(path, content.contentType === "base64encoded" ? Buffer.from(content.content, "base64") : toBytes(content.content));
    }
    const id = this.addCommit(base === undefined ? [] : [base], files, comment, author, committer);
    this.branches.set(branch, id);
    return id;
  }
}
