import { GitsyncError, NotFoundError } from "../../core/index.js";
import type { ChangedFile, FileContent } from "../../core/index.js";
import { parseLsTree, readBlobs, splitZ, type GitRunner, type TreeEntry } from "./git-runner.js";
import { changesUnder } from "./changes.js";
import { isUnder, normalizeDirectory } from "./paths.js";
import { validatePath } from "./tree-builder.js";

/**
 * Reads of a repository on disk through plumbing (ls-tree, cat-file, diff-tree, merge-base),
 * shared by the adapters that keep a bare repository: the local one and the mirrors of remote
 * git servers.
 */

/** A revision given by a caller must never be read by git as an option. */
export function revision(value: string): string {
  if (value === "" || value.startsWith("-") || value.includes("\0")) {
    throw new GitsyncError("bad_request", `invalid revision '${value}'`);
  }
  return value;
}

/** A folder of the repository, normalised and checked (no `.`, `..` or `.git` segment). */
export function repositoryFolder(path: string): string {
  const trimmed = normalizeDirectory(path);
  if (trimmed !== "") validatePath(trimmed);
  return trimmed;
}

/**
 * Above this many bytes of named paths, the folder is listed whole and filtered instead: an
 * argument list has a size limit, and a push that touches that much reads most of it anyway.
 */
const NAMED_PATHS_LIMIT = 64 * 1024;

/**
 * What ls-tree is asked for: the named files alone when `paths` is given, so reading a push's few
 * changed files costs the same in a folder of ten files or ten thousand; else the whole folder.
 */
function listingScope(prefix: string, paths?: string[]): string[] {
  if (paths && paths.reduce((size, p) => size + p.length + 1, 0) <= NAMED_PATHS_LIMIT) return ["--", ...paths];
  return prefix ? ["--", prefix] : [];
}

/** Regular files under `path` at `sha` (only those in `paths` when given). */
export async function readTreeFiles(
  git: GitRunner,
  where: string,
  sha: string,
  path: string,
  paths?: string[],
  known?: ChangedEntries,
): Promise<FileContent[]> {
  const prefix = repositoryFolder(path);
  const wanted = paths ? new Set(paths) : null;
  if (paths?.length === 0) return [];
  // A push's changed files were just listed by their diff: no listing of the tree is needed.
  const listed = (paths && known?.lookup(sha, paths)) ?? (await listTree(git, where, sha, prefix, paths));
  // Regular files only: symlinks and submodules are not configuration.
  const entries = listed.filter(
    (e) => (e.mode === "100644" || e.mode === "100755") && isUnder(e.path, prefix) && (!wanted || wanted.has(e.path)),
  );
  const blobs = await readBlobs(git, entries.map((e) => e.oid));
  return entries.map((e) => ({ path: e.path, content: blobs.get(e.oid) ?? Buffer.alloc(0) }));
}

async function listTree(git: GitRunner, where: string, sha: string, prefix: string, paths?: string[]): Promise<TreeEntry[]> {
  const listing = await git
    .run(["ls-tree", "-r", "-z", "--full-tree", revision(sha), ...listingScope(prefix, paths)])
    .catch((error: unknown) => {
      throw new NotFoundError(`commit ${sha} not found in ${where}`, { sha, cause: String(error) });
    });
  return parseLsTree(listing.stdout);
}

/** The best common ancestor, or null for unrelated histories. */
async function mergeBase(git: GitRunner, a: string, b: string): Promise<string | null> {
  const { code, stdout } = await git.run(["merge-base", revision(a), revision(b)], { okCodes: [1] });
  return code === 0 ? stdout.toString("utf8").trim() : null;
}

async function isAncestor(git: GitRunner, ancestor: string, descendant: string): Promise<boolean> {
  const { code } = await git.run(["merge-base", "--is-ancestor", revision(ancestor), revision(descendant)], { okCodes: [1] });
  return code === 0;
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * How commits relate, remembered per pair: an inbound push asks whether the old head is an
 * ancestor of the new one, the other way round, and where they forked, and each answer follows
 * from the pair's merge base (A is an ancestor of B exactly when it is their merge base). Commits
 * never change, so one git process answers all three, and later asks cost none. Only full object
 * ids are remembered: a branch name's answer changes when the branch moves.
 */
export class CommitRelations {
  readonly #bases = new Map<string, Promise<string | null>>();

  constructor(
    private readonly git: GitRunner,
    private readonly capacity = 512,
  ) {}

  mergeBase(a: string, b: string): Promise<string | null> {
    if (!OBJECT_ID.test(a) || !OBJECT_ID.test(b)) return mergeBase(this.git, a, b);
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    const known = this.#bases.get(key);
    if (known) return known;
    const base = mergeBase(this.git, a, b);
    this.#bases.set(key, base);
    // A failure (a commit not there yet) is asked again next time.
    base.catch(() => this.#bases.delete(key));
    if (this.#bases.size > this.capacity) this.#bases.delete(this.#bases.keys().next().value as string);
    return base;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    if (!OBJECT_ID.test(ancestor) || !OBJECT_ID.test(descendant)) return isAncestor(this.git, ancestor, descendant);
    return (await this.mergeBase(ancestor, descendant)) === ancestor;
  }
}

/**
 * The mode and blob of each file a recent commit's diff listed, as it is at that commit (null:
 * not there), per commit: an inbound push lists what changed, then reads those files, and the
 * diff already named their blobs. Commits never change; only full object ids are remembered.
 */
export class ChangedEntries {
  readonly #byCommit = new Map<string, Map<string, TreeEntry | null>>();

  constructor(private readonly capacity = 64) {}

  remember(commit: string, entries: Map<string, TreeEntry | null>): void {
    if (!OBJECT_ID.test(commit)) return;
    this.#byCommit.delete(commit);
    this.#byCommit.set(commit, entries);
    if (this.#byCommit.size > this.capacity) this.#byCommit.delete(this.#byCommit.keys().next().value as string);
  }

  /** The entries of `paths` at `commit` (absent ones left out), or null when one is not known. */
  lookup(commit: string, paths: readonly string[]): TreeEntry[] | null {
    const known = this.#byCommit.get(commit);
    if (!known) return null;
    const entries: TreeEntry[] = [];
    for (const path of paths) {
      const entry = known.get(path);
      if (entry === undefined) return null;
      if (entry !== null) entries.push(entry);
    }
    return entries;
  }
}

/**
 * What `head` changed since it forked from `base` (three dots, as a forge shows a pull request),
 * with the port's rename rule at the folder's edge. The diff's blobs at `head` go to `known`.
 */
export async function changedTreeFiles(
  git: GitRunner,
  relations: CommitRelations,
  base: string,
  head: string,
  path: string,
  known?: ChangedEntries,
): Promise<ChangedFile[]> {
  const prefix = repositoryFolder(path);
  const from = (await relations.mergeBase(revision(base), revision(head))) ?? base;
  const args = ["diff-tree", "-r", "-z", "-M", "--no-commit-id", "--raw", from, revision(head)];
  const { stdout } = await git.run([...args, ...(prefix ? ["--", prefix] : [])]);
  const { changed, entries } = parseRawDiff(splitZ(stdout));
  known?.remember(head, entries);
  return changesUnder(changed, prefix);
}

/** `diff-tree --raw -z` records: `:<mode> <mode> <oid> <oid> <status>`, then one path or two. */
function parseRawDiff(fields: string[]): { changed: ChangedFile[]; entries: Map<string, TreeEntry | null> } {
  const changed: ChangedFile[] = [];
  const entries = new Map<string, TreeEntry | null>();
  for (let i = 0; i < fields.length; ) {
    const [, mode = "", , oid = "", status = ""] = (fields[i++] ?? "").slice(1).split(" ");
    const at = (path: string): TreeEntry => ({ mode, type: mode === "160000" ? "commit" : "blob", oid, path });
    if (status.startsWith("R") || status.startsWith("C")) {
      const previousPath = fields[i++] ?? "";
      const path = fields[i++] ?? "";
      changed.push(status.startsWith("R") ? { path, status: "renamed", previousPath } : { path, status: "added" });
      if (status.startsWith("R")) entries.set(previousPath, null);
      entries.set(path, at(path));
    } else {
      const path = fields[i++] ?? "";
      changed.push({ path, status: status === "A" ? "added" : status === "D" ? "deleted" : "modified" });
      entries.set(path, status === "D" ? null : at(path));
    }
  }
  return { changed, entries };
}

/** The commit a branch, tag or sha names, or null. */
export async function commitOf(git: GitRunner, ref: string): Promise<string | null> {
  const { code, stdout } = await git.run(["rev-parse", "--verify", "--quiet", "--end-of-options", `${revision(ref)}^{commit}`], {
    okCodes: [1, 128],
  });
  return code === 0 ? stdout.toString("utf8").trim() : null;
}

export async function branchHead(git: GitRunner, branch: string): Promise<string | null> {
  const { code, stdout } = await git.run(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`], { okCodes: [1] });
  return code === 0 ? stdout.toString("utf8").trim() : null;
}
