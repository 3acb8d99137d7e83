/**
 * A raw git diff (`diff --git` sections with unified hunks) read as bytes, never decoded: each
 * file's new side as its hunks give it, with what the section's headers say about it (the
 * `index` line's new blob id, the mode, a deletion, binary content). Only the new side is kept:
 * it is what a forge's diff can spare a read of. Nothing here trusts the diff to be whole; the
 * caller checks each rebuilt file against its blob id (see ./diff-files.ts).
 */

export interface DiffSection {
  /** The path `diff --git a/P b/P` names, when both sides name the same one. */
  headerPath: string | null;
  /** The path of the `+++ b/P` line; null when there is none or it is `/dev/null`. */
  newPath: string | null;
  /** True when the section has a `+++` line (a file emptied or deleted has one; an added empty file has none). */
  hasNewPathLine: boolean;
  /** The abbreviated new blob id of the `index <old>..<new>` line. */
  newBlob: string | null;
  newMode: string | null;
  deleted: boolean;
  /** Binary content, a combined diff, or hunks that do not add up: the new side cannot be rebuilt. */
  unreadable: boolean;
  /** The new side's bytes, line by line, each with its line break unless the file ends without one. */
  lines: Buffer[];
}

interface Hunk {
  oldLeft: number;
  newLeft: number;
  /** The kind of the hunk's latest line: a "\ No newline" marker applies to it. */
  last: "context" | "add" | "remove" | null;
}

const INDEX = /^index ([0-9a-f]+)\.\.([0-9a-f]+)(?: ([0-7]{6}))?$/i;
const HUNK = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;
const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };
const utf8 = new TextDecoder("utf-8", { fatal: true });

function decode(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** A C-style quoted name as git writes one (`"caf\303\251.yaml"`) from `start`: its bytes and where it ends. */
function unquote(text: Buffer, start: number): { bytes: Buffer; end: number } | null {
  const out: number[] = [];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i] as number;
    if (c === 0x22) return { bytes: Buffer.from(out), end: i + 1 };
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    const digits = text.subarray(i + 1, i + 4).toString("latin1");
    const octal = /^[0-3][0-7]{2}$/.test(digits);
    const escaped = octal ? parseInt(digits, 8) : ESCAPES[String.fromCharCode(text[i + 1] ?? 0)];
    if (escaped === undefined) return null;
    out.push(escaped);
    i += octal ? 3 : 1;
  }
  return null;
}

/** A name as a header line gives it, quoted or not, with its `a/` or `b/` prefix taken off. */
function nameAfter(prefix: "a/" | "b/", raw: Buffer): string | null {
  const quoted = raw[0] === 0x22 ? unquote(raw, 0) : null;
  if (raw[0] === 0x22 && quoted?.end !== raw.length) return null;
  const name = decode(quoted ? quoted.bytes : raw);
  return name?.startsWith(prefix) ? name.slice(prefix.length) : null;
}

/** `a/P b/P` (both quoted or neither): P, or null when the two sides differ or cannot be told apart. */
function headerPath(rest: Buffer): string | null {
  if (rest[0] === 0x22) {
    const first = unquote(rest, 0);
    if (!first || rest[first.end] !== 0x20) return null;
    const [a, b] = [nameAfter("a/", rest.subarray(0, first.end)), nameAfter("b/", rest.subarray(first.end + 1))];
    return a !== null && a === b ? a : null;
  }
  const text = decode(rest);
  if (text === null || text.length < 5 || (text.length - 5) % 2 !== 0) return null;
  const path = text.slice(2, 2 + (text.length - 5) / 2);
  return text === `a/${path} b/${path}` ? path : null;
}

/** The `+++` line's name; git appends a tab to a name holding a space. */
function plusPath(section: DiffSection, rest: Buffer): void {
  const raw = rest[rest.length - 1] === 0x09 ? rest.subarray(0, -1) : rest;
  section.hasNewPathLine = true;
  if (raw.toString("latin1") === "/dev/null") section.deleted = true;
  else section.newPath = nameAfter("b/", raw);
}

function newSection(rest: Buffer): DiffSection {
  return { headerPath: headerPath(rest), newPath: null, hasNewPathLine: false, newBlob: null, newMode: null, deleted: false, unreadable: false, lines: [] };
}

/** A line between a section's start and its first hunk (or between hunks). */
function readHeader(section: DiffSection, line: Buffer): Hunk | null {
  const text = line.toString("latin1");
  const hunk = HUNK.exec(text);
  if (hunk) return { oldLeft: Number(hunk[1] ?? 1), newLeft: Number(hunk[2] ?? 1), last: null };
  const index = INDEX.exec(text);
  if (index) {
    section.newBlob = (index[2] as string).toLowerCase();
    section.newMode = index[3] ?? section.newMode;
  } else if (text.startsWith("+++ ")) plusPath(section, line.subarray(4));
  else if (text.startsWith("new file mode ") || text.startsWith("new mode ")) section.newMode = text.slice(text.lastIndexOf(" ") + 1);
  else if (text.startsWith("deleted file mode ")) section.deleted = true;
  else if (text.startsWith("Binary files ") || text === "GIT binary patch") section.unreadable = true;
  return null;
}

/** One line inside a hunk; false when it does not belong to one (the hunk was cut short). */
function readHunkLine(section: DiffSection, hunk: Hunk, line: Buffer): boolean {
  const kind = line[0];
  if (kind === 0x5c) {
    // "\ No newline at end of file": the line before it ends the file without a line break.
    const last = section.lines.at(-1);
    if ((hunk.last === "context" || hunk.last === "add") && last) section.lines[section.lines.length - 1] = last.subarray(0, -1);
    hunk.last = null;
    return true;
  }
  const oldUse = kind === 0x20 || kind === 0x2d ? 1 : 0;
  const newUse = kind === 0x20 || kind === 0x2b ? 1 : 0;
  if (oldUse + newUse === 0 || hunk.oldLeft < oldUse || hunk.newLeft < newUse) return false;
  hunk.oldLeft -= oldUse;
  hunk.newLeft -= newUse;
  hunk.last = kind === 0x20 ? "context" : kind === 0x2b ? "add" : "remove";
  if (newUse) section.lines.push(Buffer.concat([line.subarray(1), Buffer.of(0x0a)]));
  return true;
}

const isOpen = (hunk: Hunk | null): hunk is Hunk => hunk !== null && hunk.oldLeft + hunk.newLeft > 0;

/** Every file section of a raw git diff, in order. */
export function parseUnifiedDiff(diff: Uint8Array): DiffSection[] {
  const bytes = Buffer.from(diff.buffer, diff.byteOffset, diff.byteLength);
  const sections: DiffSection[] = [];
  let section: DiffSection | null = null;
  let hunk: Hunk | null = null;
  for (let start = 0; start < bytes.length; ) {
    const end = bytes.indexOf(0x0a, start);
    const line = bytes.subarray(start, end < 0 ? bytes.length : end);
    start = end < 0 ? bytes.length : end + 1;
    // A line cut off without its line break ends a diff that was cut short.
    if (end < 0 && section && isOpen(hunk)) section.unreadable = true;
    // A marker may follow a hunk's last line, after its counts ran out.
    if (section && hunk && (isOpen(hunk) || line[0] === 0x5c)) {
      if (readHunkLine(section, hunk, line)) continue;
      section.unreadable = true;
    }
    hunk = null;
    if (line.subarray(0, 11).toString("latin1") === "diff --git ") sections.push((section = newSection(line.subarray(11))));
    else if (line.subarray(0, 5).toString("latin1") === "diff ") sections.push((section = { ...newSection(Buffer.alloc(0)), unreadable: true }));
    else if (section) hunk = readHeader(section, line);
  }
  if (section && isOpen(hunk)) section.unreadable = true;
  return sections;
}
