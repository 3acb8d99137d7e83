import { createHash } from "node:crypto";
import { structuredPatch } from "diff";

/**
 * A raw diff as git writes one (`git diff --no-renames -U<context>`), for the fake forges that
 * answer diffs: `diff --git` headers with git's quoting of names, `new file mode` / `deleted
 * file mode`, `index <old>..<new> <mode>` with abbreviated blob ids, `Binary files … differ`
 * for content with a NUL byte, unified hunks with "\ No newline at end of file". Bytes stay
 * bytes (the hunks are computed on a Latin-1 view of them, one character per byte). Every file
 * is a regular file (mode 100644): the fakes keep no modes.
 */

export interface GitDiffOptions {
  context: number;
  /** False drops the `index` lines, as a forge's diff might. */
  indexLines?: boolean;
}

export interface GitDiff {
  text: Buffer;
  /** The paths whose new side the diff holds whole, with an index line naming its blob. */
  whole: Set<string>;
}

const ABBREV = 7;
const C_ESCAPES: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 34: '\\"', 92: "\\\\" };

function abbrev(content: Buffer | undefined): string {
  if (content === undefined) return "0".repeat(ABBREV);
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex").slice(0, ABBREV);
}

/** A name as git writes it in headers (core.quotePath on): C-quoted when it holds a control, quote, backslash or non-ASCII byte. */
function quoted(name: string): string {
  const bytes = Buffer.from(name, "utf8");
  if (!bytes.some((b) => b < 0x20 || b === 0x22 || b === 0x5c || b >= 0x7f)) return bytes.toString("latin1");
  const body = [...bytes].map((b) => C_ESCAPES[b] ?? (b < 0x20 || b >= 0x7f ? `\\${b.toString(8).padStart(3, "0")}` : String.fromCharCode(b))).join("");
  return `"${body}"`;
}

/** A side's name in `---`, `+++` and `Binary files` lines. */
function label(prefix: string, path: string, present: boolean): string {
  return present ? quoted(prefix + path) : "/dev/null";
}

const isBinary = (content: Buffer | undefined) => content !== undefined && content.subarray(0, 8000).includes(0);
const lineCount = (content: Buffer) => content.length === 0 ? 0 : content.toString("latin1").split("\n").length - (content[content.length - 1] === 0x0a ? 1 : 0);
const range = (start: number, count: number) => `${count === 0 ? start - 1 : start}${count === 1 ? "" : `,${count}`}`;

function section(path: string, before: Buffer | undefined, after: Buffer | undefined, options: GitDiffOptions): { lines: string[]; whole: boolean } {
  const lines = [`diff --git ${quoted(`a/${path}`)} ${quoted(`b/${path}`)}`];
  if (before === undefined) lines.push("new file mode 100644");
  if (after === undefined) lines.push("deleted file mode 100644");
  const indexed = options.indexLines !== false;
  if (indexed) lines.push(`index ${abbrev(before)}..${abbrev(after)}${before && after ? " 100644" : ""}`);
  if (isBinary(before) || isBinary(after)) {
    lines.push(`Binary files ${label("a/", path, before !== undefined)} and ${label("b/", path, after !== undefined)} differ`);
    return { lines, whole: false };
  }
  const [oldText, newText] = [before, after].map((c) => (c ?? Buffer.alloc(0)).toString("latin1")) as [string, string];
  const hunks = structuredPatch("", "", oldText, newText, "", "", { context: options.context }).hunks;
  // git appends a tab to a `---` / `+++` name holding a space.
  const tab = path.includes(" ") ? "\t" : "";
  if (hunks.length > 0) lines.push(`--- ${label("a/", path, before !== undefined)}${before ? tab : ""}`, `+++ ${label("b/", path, after !== undefined)}${after ? tab : ""}`);
  for (const hunk of hunks) lines.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`, ...hunk.lines);
  const only = hunks.length === 1 ? hunks[0] : undefined;
  const complete = after !== undefined && (after.length === 0 || (only?.newStart === 1 && only.newLines === lineCount(after)));
  return { lines, whole: indexed && complete };
}

/** The diff from `before` to `after` (path → bytes) of the files `paths` name (a folder names what it holds), in path order. */
export function gitDiff(before: Record<string, Buffer>, after: Record<string, Buffer>, paths: readonly string[], options: GitDiffOptions): GitDiff {
  const named = (file: string) => paths.some((p) => file === p || file.startsWith(`${p}/`));
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((p) => named(p) && !(before[p] !== undefined && after[p] !== undefined && before[p].equals(after[p])))
    .sort();
  const whole = new Set<string>();
  const lines: string[] = [];
  for (const path of changed) {
    const s = section(path, before[path], after[path], options);
    if (s.whole) whole.add(path);
    lines.push(...s.lines);
  }
  return { text: Buffer.from(lines.map((l) => `${l}\n`).join(""), "latin1"), whole };
}
