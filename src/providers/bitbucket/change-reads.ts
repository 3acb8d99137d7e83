import type { ChangedFile } from "../../core/index.js";

/**
 * What the adapter learns from a diffstat, kept for the reads that follow it. The engine reads
 * a change's files right after listing them (a pull request's check, a push), and Bitbucket's
 * REST API reads one file per request; its diff, though, carries every changed file of a spec
 * in one answer. So a diffstat is remembered by its head, and a read of named files at that
 * head takes those the diffstat changed from the same spec's diff (several files a request),
 * needs no request for those it removed, and reads the rest raw. The diffstat only chooses the
 * way: each file taken from a diff is checked against its blob id (the kit's `newFilesFromDiff`).
 */

/** Only a commit hash names a fixed tree; a branch may move between the diffstat and the read. */
const HASH = /^[0-9a-f]{7,40}$/i;
/** Bounds a diff request's URL (each path is a query parameter) and its answer. */
const MAX_DIFF_PATHS = 50;
const MAX_DIFF_QUERY = 4_000;

interface KnownChange {
  /** The diffstat's spec, `head..base`: the diff asked with it has the head's files as its new side. */
  spec: string;
  /** Paths with a new side at the head. */
  changed: ReadonlySet<string>;
  /** Paths the head does not have: removed, or the old side of a rename. */
  removed: ReadonlySet<string>;
}

export interface ReadPlan {
  /** Paths known to be absent at the head: no read. */
  absent: string[];
  /** Diff requests, each of the spec and up to a bounded number of paths. */
  diffs: { spec: string; paths: string[] }[];
  /** Paths read one by one. */
  raw: string[];
}

export class KnownChanges {
  readonly #known = new Map<string, KnownChange>();

  constructor(private readonly capacity = 64) {}

  /** Keeps what a diffstat of `head..base` listed, under the head as given and its full hash when known. */
  learn(repository: string, heads: string[], base: string, changes: readonly ChangedFile[]): void {
    const [head] = heads;
    if (head === undefined || !HASH.test(head)) return;
    const changed = new Set(changes.filter((c) => c.status !== "deleted").map((c) => c.path));
    const gone = changes.flatMap((c) => (c.status === "deleted" ? [c.path] : c.status === "renamed" && c.previousPath ? [c.previousPath] : []));
    const known: KnownChange = { spec: `${head}..${base}`, changed, removed: new Set(gone.filter((p) => !changed.has(p))) };
    for (const hash of new Set(heads.filter((h) => HASH.test(h)).map((h) => h.toLowerCase()))) {
      const key = `${repository}@${hash}`;
      this.#known.delete(key);
      this.#known.set(key, known);
    }
    while (this.#known.size > this.capacity) {
      const oldest = this.#known.keys().next().value;
      if (oldest === undefined) break;
      this.#known.delete(oldest);
    }
  }

  /** How to read `wanted` at `head`: from its diffstat's diff where one is known and it pays. */
  plan(repository: string, head: string, wanted: string[]): ReadPlan {
    const known = HASH.test(head) ? this.#known.get(`${repository}@${head.toLowerCase()}`) : undefined;
    if (known === undefined) return { absent: [], diffs: [], raw: wanted };
    const absent = wanted.filter((p) => known.removed.has(p));
    const inDiff = wanted.filter((p) => known.changed.has(p));
    const rest = wanted.filter((p) => !known.removed.has(p) && !known.changed.has(p));
    // One file is one raw request either way, and the raw read needs no check.
    if (inDiff.length < 2) return { absent, diffs: [], raw: [...inDiff, ...rest] };
    return { absent, diffs: batches(inDiff).map((paths) => ({ spec: known.spec, paths })), raw: rest };
  }
}

/** Paths in groups of at most MAX_DIFF_PATHS and MAX_DIFF_QUERY characters of query; a longer path alone. */
function batches(paths: string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const path of paths) {
    const cost = "&path=".length + encodeURIComponent(path).length;
    if (current.length > 0 && (current.length === MAX_DIFF_PATHS || length + cost > MAX_DIFF_QUERY)) {
      out.push(current);
      current = [];
      length = 0;
    }
    current.push(path);
    length += cost;
  }
  if (current.length > 0) out.push(current);
  return out;
}
