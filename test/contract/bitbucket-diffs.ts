import type { BitbucketModel } from "./bitbucket-model.js";
import { gitDiff } from "./git-diff.js";

/**
 * The in-memory Bitbucket's `GET diff/{spec}` (a raw git diff, as bytes, of the files `path`
 * names) and the reads the adapter makes of a change it has listed: after a diffstat of a head,
 * named files at that head come from the diff where two or more of them changed (in batches of
 * at most 50 paths and 4,000 characters of query), none for a removed file, raw reads for the
 * rest and for every file the served diff does not hold whole (binary, cut, no index line) or
 * that a refused diff did not bring. `indexLines`, `maxContext` and `refusal` make the diffs as
 * a forge might serve them short of git's.
 */

const HASH = /^[0-9a-f]{7,40}$/i;
/** The context the adapter asks for: more lines than any test file has. */
const ASKED_CONTEXT = 1_000_000;
const MAX_PATHS = 50;
const MAX_QUERY = 4_000;

type Reply = [number, unknown?, Record<string, string>?];

export interface ChangeReads {
  diffs: string[][];
  raw: string[];
}

function batches(paths: string[]): string[][] {
  const out: string[][] = [[]];
  let length = 0;
  for (const path of paths) {
    const cost = 6 + encodeURIComponent(path).length;
    const current = out[out.length - 1] as string[];
    if (current.length > 0 && (current.length === MAX_PATHS || length + cost > MAX_QUERY)) {
      out.push([path]);
      length = cost;
    } else {
      current.push(path);
      length += cost;
    }
  }
  return out.filter((b) => b.length > 0);
}

export class BitbucketDiffs {
  /** False: diffs come without `index` lines. */
  indexLines = true;
  /** The most context lines a diff gets, whatever is asked. */
  maxContext = Number.POSITIVE_INFINITY;
  /** An error status every diff is answered with (555: Bitbucket's "too large, timed out"). */
  refusal: number | null = null;
  /** How many diffs were served. */
  served = 0;
  /** Full head sha → the base of its latest diffstat. */
  readonly #listed = new Map<string, string>();

  constructor(private readonly model: BitbucketModel) {}

  /** A diffstat of `head..base` is about to be listed (the adapter keeps it for a head named by hash). */
  listed(head: string, base: string): void {
    const commit = HASH.test(head) ? this.model.findCommit(head) : undefined;
    if (commit) this.#listed.set(commit.sha, base);
  }

  /** The files of a diff of `head..base` (three-dot unless `topic=false`), before and after. */
  #sides(head: string, base: string, topic: boolean): [Record<string, Buffer>, Record<string, Buffer>] | null {
    const h = this.model.findCommit(head);
    const b = this.model.findCommit(base);
    if (!h || !b) return null;
    const from = topic ? (this.model.mergeBase(h.sha, b.sha) ?? b.sha) : b.sha;
    return [this.model.commits.get(from)?.files ?? {}, h.files];
  }

  /** How the adapter reads `wanted` at `sha`: the paths of each diff request, and those read raw. */
  reads(sha: string, wanted: string[]): ChangeReads {
    const head = HASH.test(sha) ? this.model.findCommit(sha)?.sha : undefined;
    const base = head === undefined ? undefined : this.#listed.get(head);
    const sides = head === undefined || base === undefined ? null : this.#sides(head, base, true);
    if (!sides) return { diffs: [], raw: wanted };
    const [before, after] = sides;
    const changed = wanted.filter((p) => after[p] !== undefined && !before[p]?.equals(after[p]));
    const rest = wanted.filter((p) => !changed.includes(p) && (before[p] === undefined || after[p] !== undefined));
    if (changed.length < 2) return { diffs: [], raw: [...changed, ...rest] };
    const diffs = batches(changed);
    if (this.refusal !== null) return { diffs, raw: [...rest, ...changed] };
    const context = Math.min(ASKED_CONTEXT, this.maxContext);
    const missed = diffs.flatMap((paths) => {
      const { whole } = gitDiff(before, after, paths, { context, indexLines: this.indexLines });
      return paths.filter((p) => !whole.has(p));
    });
    return { diffs, raw: [...rest, ...missed] };
  }

  /** `GET diff/{head}..{base}`: the raw diff of the paths asked, as bytes. */
  reply(head: string, base: string, query: URLSearchParams): Reply {
    if (query.get("renames") !== "false") throw new Error("the harness models diffs without rename detection only");
    this.served++;
    if (this.refusal !== null) return [this.refusal, { type: "error", error: { message: "Service Timeout" } }, { "content-type": "application/json" }];
    const sides = this.#sides(head, base, query.get("topic") !== "false");
    if (!sides) return [404, { type: "error", error: { message: "commit not found" } }, { "content-type": "application/json" }];
    const context = Math.min(Number(query.get("context") ?? 3), this.maxContext);
    const { text } = gitDiff(sides[0], sides[1], query.getAll("path"), { context, indexLines: this.indexLines });
    return [200, text, { "content-type": "text/plain" }];
  }
}
