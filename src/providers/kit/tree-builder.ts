import { createHash } from "node:crypto";
import { GitsyncError } from "../../core/index.js";
import type { FileChange } from "../../core/index.js";
import { BULK_ENV, parseLsTree, type GitRunner } from "./git-runner.js";

/**
 * Builds the tree of a commit from a base tree plus changes, touching only the directories
 * that change: one `ls-tree -r -t` of the base, blob ids computed here so unchanged files are
 * recognised without writing anything, new blobs written in one `git fast-import`, then one
 * `mktree` per changed directory, deepest first.
 */

interface Entry {
  mode: string;
  type: "blob" | "tree" | "commit";
  oid: string;
}

type Directory = Map<string, Entry>;

const FILE_MODE = "100644";
const TREE_MODE = "040000";

export function validatePath(path: string): void {
  const segments = path.split("/");
  const bad = segments.find((s) => s === "" || s === "." || s === ".." || s.toLowerCase() === ".git" || s.includes("\0"));
  if (bad !== undefined) {
    throw new GitsyncError("bad_request", `invalid file path '${path}': empty, '.', '..' or '.git' segment`, { path });
  }
}

function parentOf(dir: string): string {
  const slash = dir.lastIndexOf("/");
  return slash < 0 ? "" : dir.slice(0, slash);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function depth(dir: string): number {
  return dir === "" ? 0 : dir.split("/").length;
}

/** Git's object id of a blob: the hash of `blob <size>\0<content>` (sha1 or sha256 repositories). */
export function blobId(content: Buffer, objectFormat: "sha1" | "sha256"): string {
  return createHash(objectFormat).update(`blob ${content.length}\0`).update(content).digest("hex");
}

export interface BuiltTree {
  /** The new root tree id, or null when the changes make no difference. */
  tree: string | null;
  blobsWritten: number;
}

export class TreeBuilder {
  private readonly dirs = new Map<string, Directory>();
  private readonly dirty = new Set<string>();
  private readonly pendingBlobs = new Map<string, Buffer>();

  private constructor(
    private readonly git: GitRunner,
    private readonly objectFormat: "sha1" | "sha256",
    private readonly baseTree: string | null,
  ) {
    this.dirs.set("", new Map());
  }

  /** Loads the base commit's whole tree listing (trees included) into memory. */
  static async fromCommit(
    git: GitRunner,
    objectFormat: "sha1" | "sha256",
    base: string | null,
    /** The base commit's tree when the caller already knows it (saves a git process). */
    knownTree?: string,
  ): Promise<TreeBuilder> {
    if (base === null) return new TreeBuilder(git, objectFormat, null);
    const baseTree = knownTree ?? (await git.text(["rev-parse", "--verify", "--end-of-options", `${base}^{tree}`]));
    const builder = new TreeBuilder(git, objectFormat, baseTree);
    const { stdout } = await git.run(["ls-tree", "-r", "-t", "-z", "--full-tree", baseTree]);
    for (const entry of parseLsTree(stdout)) {
      if (entry.type === "tree") builder.dirs.set(entry.path, new Map());
      builder.dir(parentOf(entry.path)).set(baseName(entry.path), { mode: entry.mode, type: entry.type, oid: entry.oid });
    }
    return builder;
  }

  private dir(path: string): Directory {
    const found = this.dirs.get(path);
    if (found) return found;
    const created: Directory = new Map();
    this.dirs.set(path, created);
    return created;
  }

  apply(changes: FileChange[]): void {
    for (const change of changes) {
      validatePath(change.path);
      if (change.action === "delete") this.remove(change.path);
      else this.upsert(change.path, Buffer.from(change.content, "utf8"));
    }
  }

  private upsert(path: string, content: Buffer): void {
    const dirPath = parentOf(path);
    this.ensureDirectory(dirPath, path);
    const directory = this.dir(dirPath);
    const name = baseName(path);
    const existing = directory.get(name);
    if (existing && existing.type !== "blob") {
      throw new GitsyncError("bad_request", `cannot write file '${path}': a folder of that name exists`, { path });
    }
    const oid = blobId(content, this.objectFormat);
    // Keep an executable bit; anything else (a symlink) becomes a regular file.
    const mode = existing?.mode === "100755" ? "100755" : FILE_MODE;
    if (existing && existing.oid === oid && existing.mode === mode) return;
    this.pendingBlobs.set(oid, content);
    directory.set(name, { mode, type: "blob", oid });
    this.dirty.add(dirPath);
  }

  /** Makes sure every folder on the way exists as a folder, not as a file. */
  private ensureDirectory(dirPath: string, forPath: string): void {
    if (dirPath === "") return;
    const parent = parentOf(dirPath);
    this.ensureDirectory(parent, forPath);
    const entry = this.dir(parent).get(baseName(dirPath));
    if (entry && entry.type !== "tree") {
      throw new GitsyncError("bad_request", `cannot write file '${forPath}': '${dirPath}' is a file`, { path: forPath });
    }
    if (!entry) {
      this.dirs.set(dirPath, this.dirs.get(dirPath) ?? new Map());
      this.dirty.add(dirPath);
    }
  }

  private remove(path: string): void {
    const dirPath = parentOf(path);
    const directory = this.dirs.get(dirPath);
    const entry = directory?.get(baseName(path));
    // Deleting what is not there is no change; deleting a folder is not a file deletion.
    if (!directory || !entry || entry.type !== "blob") return;
    directory.delete(baseName(path));
    this.dirty.add(dirPath);
  }

  /** Writes the new blobs and the changed trees; returns the root tree id. */
  async write(): Promise<BuiltTree> {
    if (this.dirty.size === 0) return { tree: null, blobsWritten: 0 };
    await this.writeBlobs();
    let root: string | null = null;
    const maxDepth = Math.max(...[...this.dirty].map(depth));
    for (let d = maxDepth; d >= 0; d--) {
      for (const dirPath of [...this.dirty].filter((p) => depth(p) === d).sort()) {
        const entries = this.dir(dirPath);
        const oid = entries.size === 0 ? null : await this.mktree(entries);
        if (dirPath === "") {
          root = oid ?? (await this.mktree(entries));
          continue;
        }
        const parent = this.dir(parentOf(dirPath));
        const name = baseName(dirPath);
        const before = parent.get(name);
        if (oid === null) {
          if (before) parent.delete(name);
          else continue;
        } else if (before?.oid === oid) {
          continue;
        } else {
          parent.set(name, { mode: TREE_MODE, type: "tree", oid });
        }
        this.dirty.add(parentOf(dirPath));
      }
    }
    if (root === null || root === this.baseTree) return { tree: null, blobsWritten: this.pendingBlobs.size };
    return { tree: root, blobsWritten: this.pendingBlobs.size };
  }

  private async writeBlobs(): Promise<void> {
    if (this.pendingBlobs.size === 0) return;
    // fast-import streams every blob through one process; below fastimport.unpackLimit it
    // leaves loose objects, above it one pack, so small and large commits both stay cheap.
    const parts: Buffer[] = [];
    for (const content of this.pendingBlobs.values()) {
      parts.push(Buffer.from(`blob\ndata ${content.length}\n`), content, Buffer.from("\n"));
    }
    await this.git.run(["fast-import", "--quiet"], { input: Buffer.concat(parts), env: BULK_ENV });
  }

  private async mktree(entries: Directory): Promise<string> {
    const input = [...entries].map(([name, e]) => `${e.mode} ${e.type} ${e.oid}\t${name}\0`).join("");
    return this.git.text(["mktree", "-z"], { input });
  }
}
