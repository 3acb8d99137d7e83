import type { JsonObject, JsonValue } from "../core/types.js";
import { resolvePlainScalar } from "./core-schema.js";

/*
 * A reader for the plain block subset of YAML that config files are written in (and that
 * outbound sync writes): nested block mappings and sequences, plain and one-line quoted scalars,
 * `[]`, `{}`, `|` and `|-` literals, comments. It is a fast path, not a parser: js-yaml and the
 * `yaml` package stay the source of truth, and anything outside the subset, or anywhere the two
 * could read the text another way, makes it decline (null) so the file takes their path. A
 * differential test holds every value it returns to the `yaml` package's (test/validation).
 * Why it exists: js-yaml costs about 30 µs per small file in a fresh process, most of
 * `gitsync validate`'s time on a large checkout; this reads the same files about ten times faster.
 */

/** Returned by every step that meets something outside the subset. */
const DECLINE: unique symbol = Symbol("decline");
type Read = JsonValue | typeof DECLINE;

/** Keys a plain mapping must not take (prototype keys; `null`/bool words that are not strings). */
const REFUSED_KEYS = new Set([
  "__proto__",
  "constructor",
  "prototype",
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
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const PIPE = 124;
/** What may follow a closed quoted scalar, `[]` or `{}` on its line: spaces, then maybe a comment. */
const LINE_END = /^(?: +#.*| *)$/;
const ESCAPES: Record<string, string> = {
  "0": "\0",
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
  const reader = new PlainReader(text);
  return reader.document();
}

class PlainReader {
  private readonly lines: string[];
  private i = 0;
  /** A text without a final line break: a literal reaching its last line would need other chomping. */
  private readonly openEnd: boolean;

  constructor(text: string) {
    this.lines = text.split("\n");
    this.openEnd = !text.endsWith("\n");
  }

  document(): JsonObject | null {
    const first = this.nextContent(0);
    if (first < 0 || indentOf(this.lines[first] as string) !== 0) return null;
    this.i = first;
    const value = this.mapping(0, -1);
    return value === DECLINE ? null : (value as JsonObject);
  }

  /** A block mapping whose keys sit at column `indent`; `firstAt` is the first key's column on a `- ` line. */
  private mapping(indent: number, firstAt: number): Read {
    const out: JsonObject = {};
    let at = firstAt;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] as string;
      const ind = at >= 0 ? at : indentOf(line);
      at = -1;
      if (isSkippable(line, ind)) {
        this.i++;
        continue;
      }
      if (ind < indent) break;
      if (ind > indent || isEntry(line, ind)) return DECLINE;
      const end = keyEnd(line, ind);
      if (end < 0) return DECLINE;
      const key = line.slice(ind, end);
      // `!== undefined` also refuses inherited names such as `toString`: declining is always safe.
      if (end - ind > MAX_KEY_LENGTH || REFUSED_KEYS.has(key) || out[key] !== undefined) return DECLINE;
      this.i++;
      const value = this.value(line.slice(skipSpaces(line, end + 1)), indent, true);
      if (value === DECLINE) return DECLINE;
      out[key] = value;
    }
    return out;
  }

  /** A block sequence whose `-` entries sit at column `indent`. */
  private sequence(indent: number): Read {
    const out: JsonValue[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] as string;
      const ind = indentOf(line);
      if (isSkippable(line, ind)) {
        this.i++;
        continue;
      }
      if (ind < indent) break;
      if (ind > indent) return DECLINE;
      // The parent mapping's next key, at the column its sequence shared.
      if (!isEntry(line, ind)) break;
      const start = skipSpaces(line, ind + 1);
      const rest = line.slice(start);
      let value: Read;
      if (isEntry(rest, 0) || startsWithCode(rest, PIPE)) return DECLINE;
      if (rest !== "" && !startsWithCode(rest, HASH) && keyEnd(line, start) >= 0) {
        value = this.mapping(start, start);
      } else {
        this.i++;
        value = this.value(rest, indent, false);
      }
      if (value === DECLINE) return DECLINE;
      out.push(value);
    }
    return out;
  }

  /**
   * What follows `key:` or `- ` on a line (line `i - 1`): a scalar on the line, a literal, or a
   * nested block on the next lines. `indent` is the column of the collection holding it.
   */
  private value(rest: string, indent: number, inMapping: boolean): Read {
    if (rest === "" || startsWithCode(rest, HASH)) {
      const next = this.nextContent(this.i);
      if (next < 0) return null;
      const line = this.lines[next] as string;
      const ind = indentOf(line);
      // A mapping's value may be a sequence at the mapping's own column.
      if (ind > indent || (inMapping && ind === indent && isEntry(line, ind))) {
        this.i = next;
        return isEntry(line, ind) ? this.sequence(ind) : this.mapping(ind, -1);
      }
      return null;
    }
    const value = startsWithCode(rest, PIPE) ? this.literal(rest, indent) : scalar(rest);
    // A more indented line after a scalar would continue it (or be an error): not in the subset.
    if (value === DECLINE || this.nextIndentAfter() > indent) return DECLINE;
    return value;
  }

  /** A `|` or `|-` literal block; its lines follow the header line. */
  private literal(header: string, indent: number): Read {
    const strip = header.startsWith("|-");
    if (!BLANK.test(header.slice(strip ? 2 : 1))) return DECLINE;
    const first = this.lines[this.i];
    if (first === undefined || isBlank(first)) return DECLINE;
    const contentIndent = indentOf(first);
    if (contentIndent <= indent) return DECLINE;
    const parts: string[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] as string;
      if (isBlank(line)) {
        // Spaces past the content's indentation would be content; keep the subset simple.
        if (line.length > contentIndent) return DECLINE;
        parts.push("");
      } else {
        if (indentOf(line) < contentIndent) break;
        if (this.openEnd && this.i === this.lines.length - 1) return DECLINE;
        parts.push(line.slice(contentIndent));
      }
      this.i++;
    }
    while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
    return parts.join("\n") + (strip ? "" : "\n");
  }

  /** The first line at or after `from` that holds more than spaces and a comment; -1 if none. */
  private nextContent(from: number): number {
    for (let j = from; j < this.lines.length; j++) {
      const line = this.lines[j] as string;
      if (!isSkippable(line, indentOf(line))) return j;
    }
    return -1;
  }

  /** The indentation of the next line with anything but spaces on it, comments included; -1 if none. */
  private nextIndentAfter(): number {
    for (let j = this.i; j < this.lines.length; j++) {
      const line = this.lines[j] as string;
      if (!isBlank(line)) return indentOf(line);
    }
    return -1;
  }
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
    if (point > 0x10ffff) return DECLINE;
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
 * Where a plain key starting at `from` ends (its colon), when a colon and then a space or the
 * line's end follow it; -1 otherwise. Keys are a letter or `_`, then letters, digits, `_`, `.`,
 * `-`: keys that can only ever resolve to a string.
 */
function keyEnd(line: string, from: number): number {
  const length = line.length;
  if (from >= length || !isKeyStart(line.charCodeAt(from))) return -1;
  let j = from + 1;
  while (j < length && isKeyPart(line.charCodeAt(j))) j++;
  if (j >= length || line.charCodeAt(j) !== COLON) return -1;
  return j + 1 === length || line.charCodeAt(j + 1) === SPACE ? j : -1;
}

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isKeyPart(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** The first column at or after `from` that is not a space. */
function skipSpaces(line: string, from: number): number {
  const length = line.length;
  let j = from;
  while (j < length && line.charCodeAt(j) === SPACE) j++;
  return j;
}

function indentOf(line: string): number {
  return skipSpaces(line, 0);
}

// Bounds are checked before every charCodeAt: reading past the end deoptimises the hot loops.
function startsWithCode(text: string, code: number): boolean {
  return text.length > 0 && text.charCodeAt(0) === code;
}

/** Only spaces. */
function isBlank(line: string): boolean {
  return indentOf(line) === line.length;
}

/** Only spaces, or spaces and a comment; `ind` is the line's indentation. */
function isSkippable(line: string, ind: number): boolean {
  return ind >= line.length || line.charCodeAt(ind) === HASH;
}

/** A block sequence entry (`-` then a space or the line's end) at column `ind`. */
function isEntry(line: string, ind: number): boolean {
  const length = line.length;
  return ind < length && line.charCodeAt(ind) === DASH && (ind + 1 === length || line.charCodeAt(ind + 1) === SPACE);
}
