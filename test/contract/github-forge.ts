import { createHash } from "node:crypto";
import { toBytes, type FileBytes } from "./file-bytes.js";
import { treeChanges, type TreeChange } from "./tree-changes.js";
import type { Actor } from "../../src/core/index.js";

/**
 * An in-memory model of one GitHub repository: blobs (bytes), trees (flat path → blob maps),
 * commits, branches, pull requests, check runs and issue comments. The GitHub harness answers the API
 * from it; nothing here knows about HTTP.
 */
export interface ForgeCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: Actor;
  committer: Actor;
}

export interface ForgePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "open" | "closed";
  merged: boolean;
}

export interface ForgeCheckRun {
  id: number;
  sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  annotations: unknown[];
}

export interface ForgeComment {
  id: number;
  issue: number;
  body: string;
}

export type TreeEntryInput = { path: string; sha?: string | null; content?: string };

function sha1(text: string | Buffer): string {
  return createHash("sha1").update(text).digest("hex");
}

export class GitHubForge {
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, Map<string, string>>();
  readonly commits = new Map<string, ForgeCommit>();
  readonly branches = new Map<string, string>();
  readonly pulls: ForgePull[] = [];
  readonly checkRuns: ForgeCheckRun[] = [];
  readonly comments: ForgeComment[] = [];
  private nextId = 1000;

  id(): number {
    return this.nextId++;
  }

  /** A blob's git object id, as git computes it; text is stored as its UTF-8 bytes. */
  putBlob(content: FileBytes): string {
    const bytes = toBytes(content);
    const sha = sha1(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]));
    this.blobs.set(sha, bytes);
    return sha;
  }

  putTree(files: Map<string, string>): string {
    const sorted = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sha = sha1(`tree\0${sorted.map(([p, s]) => `${p}\0${s}`).join("\n")}`);
    this.trees.set(sha, new Map(sorted));
    return sha;
  }

  /** POST /git/trees: entries on top of `base` (null sha deletes; a missing path is an error). */
  buildTree(base: string | undefined, entries: TreeEntryInput[]): string | { error: string } {
    const files = new Map(base ? (this.trees.get(base) ?? []) : []);
    if (base && !this.trees.has(base)) return { error: "base_tree is not a tree" };
    for (const entry of entries) {
      if (entry.content !== undefined) files.set(entry.path, this.putBlob(entry.content));
      else if (typeof entry.sha === "string") {
        if (!this.blobs.has(entry.sha)) return { error: `tree.sha ${entry.sha} is not a valid blob` };
        files.set(entry.path, entry.sha);
      } else {
        if (!files.has(entry.path)) return { error: `tree.path ${entry.path} does not exist in the base tree` };
        files.delete(entry.path);
      }
    }
    return this.putTree(files);
  }

  putCommit(input: Omit<ForgeCommit, "sha">): ForgeCommit {
    const sha = sha1(`commit\0${JSON.stringify(input)}\0${this.commits.size}`);
    const commit = { sha, ...input };
    this.commits.set(sha, commit);
    return commit;
  }

  files(sha: string): Map<string, string> | null {
    const commit = this.commits.get(sha);
    return commit ? (this.trees.get(commit.tree) ?? null) : null;
  }

  /** A commit's files as path → bytes, exactly as stored. */
  contents(sha: string): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const [path, blob] of this.files(sha) ?? []) out.set(path, this.blobs.get(blob) ?? Buffer.alloc(0));
    return out;
  }

  /** A commit's files as text, for assertions on what gitsync wrote. */
  snapshot(sha: string): Record<string, string> {
    return Object.fromEntries([...this.contents(sha)].map(([path, bytes]) => [path, bytes.toString("utf8")]));
  }

  /** A branch, a full sha or a unique sha prefix of 7+ characters. */
  resolve(ref: string): string | null {
    const branch = this.branches.get(ref);
    if (branch) return branch;
    if (/^[0-9a-f]{7,40}$/.test(ref)) {
      const found = [...this.commits.keys()].filter((sha) => sha.startsWith(ref));
      if (found.length === 1) return found[0] ?? null;
    }
    return null;
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    const queue = [descendant];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const sha = queue.pop() as string;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  /** The nearest common ancestor (breadth-first from `b`), or null for unrelated histories. */
  mergeBase(a: string, b: string): string | null {
    const queue = [b];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const sha = queue.shift() as string;
      if (this.isAncestor(sha, a)) return sha;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return null;
  }

  /** Path-level differences, in GitHub's compare vocabulary. */
  diff(base: string, head: string): (TreeChange & { sha: string })[] {
    const before = this.files(base) ?? new Map<string, string>();
    const after = this.files(head) ?? new Map<string, string>();
    return treeChanges(before, after).map((c) => ({ ...c, sha: (after.get(c.path) ?? before.get(c.path)) as string }));
  }
}
