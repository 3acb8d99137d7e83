import type { JsonObject, JsonValue } from "../core/types.js";
import { resolvePlainScalar } from "./yaml-core-schema.js";
import { MAX_DEPTH } from "./limits.js";
import { REFUSED_KEYS } from "./refused-keys.js";

/*
 * A reader for the plain block subset of YAML that config files are written in (and that
 * outbound sync writes): nested block mappings and sequences, plain and one-line quoted scalars,
 * `[]`, `{}`, `|` and `|-` literals, comments. It is a fast path, not a parser: js-yaml and the
 * `yaml` package stay the source of truth, and anything outside the subset, or anywhere the two
 * could read the text another way, makes it decline (null) so the file takes their path. A
 * differential test holds every value it returns to the `yaml` package's (test/validation).
 * Why it exists: in a fresh process js-yaml's cost per small file is most of `gitsync validate`'s
 * time on a large checkout, and this reads the same files several times faster (bench/README.md).
 */

/** Returned by a scalar reader that meets something outside the subset. */
const DECLINE: unique symbol = Symbol("decline");
type Read = JsonValue | typeof DECLINE;

/** Keys a plain mapping must not take: the refused ones, and `null`/bool words that are not strings. */
const DECLINED_KEYS = new Set([
  ...REFUSED_KEYS,
  "null",
  "Null",
  "NULL",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
]);
const MAX_KEY_LENGTH = 150;
const NEWLINE = 10;
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const PIPE = 124;
/** What may follow a closed quoted scalar, `[]` or `{}` on its line: spaces, then maybe a comment. */
const LINE_END = /^(?: +#.*| *)$/;
/** `\0` is left out: a NUL in a value is an error the full path reports. */
const ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  t: "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };
const HEX = /^[0-9a-fA-F]+$/;
const BLANK = /^ *$/;
/**
 * Every control but the line feed (so tabs and CRs too), NEL, BOM, line and paragraph separators,
 * surrogates: characters where parsers differ or indentation rules get subtle.
 */
const OUTSIDE_SUBSET = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/;

/**
 * The file's top-level mapping when the text is inside the subset, exactly as the `yaml` package
 * reads it; null when it is not (the caller then takes a full parser).
 */
export function readPlainYaml(text: string): JsonObject | null {
  if (OUTSIDE_SUBSET.test(text)) return null;
  // One loop over the lines, on offsets into the text, with an explicit stack: in a fresh
  // process most of the run happens before the JIT has optimised anything, and there locals in
  // one function cost far less than calls, property loads and a string per line.
  const size = text.length;
  const openEnd = size > 0 && text.charCodeAt(size - 1) !== NEWLINE;
  const root: JsonObject = {};
  // The open collections, innermost last: column, collection, and whether it is a sequence.
  const columns: number[] = [0];
  const nodes: (JsonObject | JsonValue[])[] = [root];
  const sequences: boolean[] = [false];
  // A `key:` or `-` with nothing after it: its value is the block on the next lines, or null.
  let awaiting: JsonObject | JsonValue[] | null = null;
  let awaitingKey = "";
  let awaitingColumn = 0;
  // After a scalar, no later line may be indented past this column (it would continue the scalar).
  let scalarColumn = -1;
  let content = false;

  for (let next = 0; next < size; ) {
    const lineStart = next;
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = size;
    next = lineEnd + 1;
    const at = skipSpaces(text, lineStart, lineEnd);
    if (at === lineEnd) continue;
    const ind = at - lineStart;
    if (scalarColumn >= 0) {
      if (ind > scalarColumn) return null;
      scalarColumn = -1;
    }
    if (text.charCodeAt(at) === HASH) continue;
    content = true;
    let entry = isEntry(text, at, lineEnd);

    if (awaiting !== null) {
      let value: JsonObject | JsonValue[] | null = null;
      // A mapping's value may be a sequence at the mapping's own column.
      if (ind > awaitingColumn || (!Array.isArray(awaiting) && ind === awaitingColumn && entry)) {
        value = entry ? [] : {};
        columns.push(ind);
        nodes.push(value);
        sequences.push(entry);
        if (nodes.length > MAX_DEPTH) return null;
      }
      if (Array.isArray(awaiting)) awaiting.push(value);
      else awaiting[awaitingKey] = value;
      awaiting = null;
    }

    let top = columns.length - 1;
    while ((columns[top] as number) > ind) {
      columns.pop();
      nodes.pop();
      sequences.pop();
      top--;
    }
    if (columns[top] !== ind) return null;
    if (sequences[top] === true && !entry) {
      // The parent mapping's next key, at the column its sequence shared.
      if (top === 0 || sequences[top - 1] === true || columns[top - 1] !== ind) return null;
      columns.pop();
      nodes.pop();
      sequences.pop();
      top--;
    } else if (sequences[top] === false && entry) {
      return null;
    }

    let keyStart = at;
    let end: number;
    if (entry) {
      const sequence = nodes[top] as JsonValue[];
      const start = skipSpaces(text, at + 1, lineEnd);
      if (start === lineEnd || text.charCodeAt(start) === HASH) {
        awaiting = sequence;
        awaitingColumn = ind;
        continue;
      }
      if (isEntry(text, start, lineEnd) || text.charCodeAt(start) === PIPE) return null;
      end = keyEnd(text, start, lineEnd);
      if (end < 0) {
        const value = scalar(text.slice(start, lineEnd));
        if (value === DECLINE) return null;
        sequence.push(value);
        scalarColumn = ind;
        continue;
      }
      // `- key: ...`: a mapping at the key's column, its first key on this line.
      const mapping: JsonObject = {};
      sequence.push(mapping);
      columns.push(start - lineStart);
      nodes.push(mapping);
      sequences.push(false);
      if (nodes.length > MAX_DEPTH) return null;
      top++;
      keyStart = start;
      entry = false;
    } else {
      end = keyEnd(text, at, lineEnd);
      if (end < 0) return null;
    }

    const column = keyStart - lineStart;
    const mapping = nodes[top] as JsonObject;
    const key = keyAt(text, keyStart, end);
    // `!== undefined` also refuses inherited names such as `toString`: declining is always safe.
    if (key === null || mapping[key] !== undefined) return null;
    const start = skipSpaces(text, end + 1, lineEnd);
    if (start === lineEnd || text.charCodeAt(start) === HASH) {
      awaiting = mapping;
      awaitingKey = key;
      awaitingColumn = column;
      continue;
    }
    if (text.charCodeAt(start) === PIPE) {
      const after = literal(text, next, column, text.slice(start, lineEnd), openEnd, mapping, key);
      if (after < 0) return null;
      next = after;
    } else {
      const value = scalar(text.slice(start, lineEnd));
      if (value === DECLINE) return null;
      mapping[key] = value;
    }
    scalarColumn = column;
  }
  if (!content) return null;
  if (awaiting !== null) {
    if (Array.isArray(awaiting)) awaiting.push(null);
    else awaiting[awaitingKey] = null;
  }
  return root;
}

/**
 * A `|` or `|-` literal block whose lines start at offset `from`, held by a collection at
 * `column`: stored as `mapping[key]`. Returns the offset of the first line after it; -1 if it is
 * outside the subset.
 */
function literal(text: string, from: number, column: number, header: string, openEnd: boolean, mapping: JsonObject, key: string): number {
  const strip = header.startsWith("|-");
  if (!BLANK.test(header.slice(strip ? 2 : 1))) return -1;
  const size = text.length;
  if (from >= size) return -1;
  let firstEnd = text.indexOf("\n", from);
  if (firstEnd < 0) firstEnd = size;
  const contentIndent = skipSpaces(text, from, firstEnd) - from;
  // No content, or a first line of only spaces.
  if (from + contentIndent === firstEnd || contentIndent <= column) return -1;
  const parts: string[] = [];
  let next = from;
  while (next < size) {
    let lineEnd = text.indexOf("\n", next);
    if (lineEnd < 0) lineEnd = size;
    const ind = skipSpaces(text, next, lineEnd) - next;
    if (next + ind === lineEnd) {
      // Spaces past the content's indentation would be content; keep the subset simple.
      if (ind > contentIndent) return -1;
      parts.push("");
    } else {
      if (ind < contentIndent) break;
      // A text without a final line break: its last line would need other chomping.
      if (openEnd && lineEnd === size) return -1;
      parts.push(text.slice(next + contentIndent, lineEnd));
    }
    next = lineEnd + 1;
  }
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  mapping[key] = parts.join("\n") + (strip ? "" : "\n");
  return next;
}

/** A scalar written on one line (never empty, never starting with a space): quoted, `[]`, `{}` or plain. */
function scalar(rest: string): Read {
  const c = rest.charCodeAt(0);
  if (c === 34) return doubleQuoted(rest);
  if (c === 39) return singleQuoted(rest);
  if (c === 91 || c === 123) {
    // Only the empty flow collections: indentation rules inside others differ between parsers.
    if (rest.length < 2 || rest.charCodeAt(1) !== c + 2 || !LINE_END.test(rest.slice(2))) return DECLINE;
    return c === 91 ? [] : {};
  }
  if (isIndicator(c)) return DECLINE;
  if (c === DASH && (rest.length === 1 || rest.charCodeAt(1) === SPACE)) return DECLINE;
  const comment = rest.indexOf(" #");
  let end = comment < 0 ? rest.length : comment;
  // Only spaces end a plain scalar: String#trimEnd would also take YAML content such as U+00A0.
  while (end > 0 && rest.charCodeAt(end - 1) === SPACE) end--;
  if (end === 0 || rest.charCodeAt(end - 1) === COLON) return DECLINE;
  const plain = end === rest.length ? rest : rest.slice(0, end);
  return plain.includes(": ") ? DECLINE : resolvePlainScalar(plain);
}

/** YAML's indicator characters, which a plain scalar cannot start with (`-` is checked apart). */
function isIndicator(c: number): boolean {
  switch (c) {
    case 33: // !
    case 34: // "
    case 35: // #
    case 37: // %
    case 38: // &
    case 39: // '
    case 42: // *
    case 44: // ,
    case 58: // :
    case 62: // >
    case 63: // ?
    case 64: // @
    case 91: // [
    case 93: // ]
    case 96: // `
    case 123: // {
    case 124: // |
    case 125: // }
      return true;
    default:
      return false;
  }
}

function doubleQuoted(rest: string): Read {
  let out = "";
  let j = 1;
  for (;;) {
    const quote = rest.indexOf('"', j);
    const slash = rest.indexOf("\\", j);
    if (quote < 0) return DECLINE;
    if (slash < 0 || quote < slash) {
      out += rest.slice(j, quote);
      return LINE_END.test(rest.slice(quote + 1)) ? out : DECLINE;
    }
    out += rest.slice(j, slash);
    const code = rest[slash + 1] ?? "";
    const simple = ESCAPES[code];
    if (simple !== undefined) {
      out += simple;
      j = slash + 2;
      continue;
    }
    const digits = HEX_DIGITS[code];
    if (digits === undefined) return DECLINE;
    const hex = rest.slice(slash + 2, slash + 2 + digits);
    if (hex.length !== digits || !HEX.test(hex)) return DECLINE;
    const point = parseInt(hex, 16);
    if (point > 0x10ffff || point === 0) return DECLINE;
    out += String.fromCodePoint(point);
    j = slash + 2 + digits;
  }
}

function singleQuoted(rest: string): Read {
  let out = "";
  let j = 1;
  for (;;) {
    const quote = rest.indexOf("'", j);
    if (quote < 0) return DECLINE;
    out += rest.slice(j, quote);
    if (rest.charCodeAt(quote + 1) === 39) {
      out += "'";
      j = quote + 2;
      continue;
    }
    return LINE_END.test(rest.slice(quote + 1)) ? out : DECLINE;
  }
}

/**
 * Keys already read, by a hash of their characters. A tree repeats a few dozen keys thousands of
 * times, and a key sliced from the text costs a hash and a string-table lookup each time it is
 * stored or looked up (a large share of a big run's instructions); one found here is already
 * internalized, and has already passed DECLINED_KEYS. Fixed size: it only ever saves work.
 */
const KEY_SLOTS = 1024;
const knownKeys: string[] = new Array<string>(KEY_SLOTS).fill("");

/** The hash `keyEnd` computed of the key it found last (one loop over the key, not two). */
let lastKeyHash = 0;

/** The key from `start` to `end` that `keyEnd` just found; null if refused. */
function keyAt(text: string, start: number, end: number): string | null {
  const slot = lastKeyHash & (KEY_SLOTS - 1);
  const known = knownKeys[slot] as string;
  if (known.length === end - start && text.startsWith(known, start)) return known;
  if (end - start > MAX_KEY_LENGTH) return null;
  const key = text.slice(start, end);
  if (DECLINED_KEYS.has(key)) return null;
  // The internalized copy: a slice could keep its whole file's text alive.
  const own = Object.keys({ [key]: 0 })[0] as string;
  knownKeys[slot] = own;
  return own;
}

// Every helper takes the line's end: reading past a string's end would deoptimise hot code.

/**
 * Where a plain key starting at `from` ends (its colon), when a colon and then a space or the
 * line's end follow it; -1 otherwise. Keys are a letter or `_`, then letters, digits, `_`, `.`,
 * `-`: keys that can only ever resolve to a string.
 */
function keyEnd(text: string, from: number, lineEnd: number): number {
  if (from >= lineEnd) return -1;
  let c = text.charCodeAt(from);
  if (c >= 128 || KEY_CHARACTERS[c] !== KEY_START) return -1;
  let hash = c;
  let j = from + 1;
  for (; j < lineEnd; j++) {
    c = text.charCodeAt(j);
    if (c >= 128 || KEY_CHARACTERS[c] === 0) break;
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  if (j >= lineEnd || c !== COLON) return -1;
  lastKeyHash = hash;
  return j + 1 === lineEnd || text.charCodeAt(j + 1) === SPACE ? j : -1;
}

const KEY_START = 1;
const KEY_PART = 2;
/**
 * By ASCII code: KEY_START for a letter or `_`, KEY_PART for a digit, `-` or `.`, 0 otherwise. A
 * table rather than comparisons: the reader mostly runs before the JIT has optimised it, where
 * every call and branch costs.
 */
const KEY_CHARACTERS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  KEY_CHARACTERS[c] = /[A-Za-z_]/.test(ch) ? KEY_START : /[0-9.-]/.test(ch) ? KEY_PART : 0;
}

/** The first offset at or after `from` that is not a space (`lineEnd` if none). */
function skipSpaces(text: string, from: number, lineEnd: number): number {
  let j = from;
  while (j < lineEnd && text.charCodeAt(j) === SPACE) j++;
  return j;
}

/** A block sequence entry (`-` then a space or the line's end) at offset `at`. */
function isEntry(text: string, at: number, lineEnd: number): boolean {
  return at < lineEnd && text.charCodeAt(at) === DASH && (at + 1 === lineEnd || text.charCodeAt(at + 1) === SPACE);
}
