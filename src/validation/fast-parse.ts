import { isUtf8 } from "node:buffer";
import type { FileFormat, JsonObject, JsonValue } from "../core/types.js";
import { jsYaml, yamlCoreSchema } from "./yaml-core-schema.js";
import { MAX_DEPTH, MAX_FILE_BYTES } from "./limits.js";
import { readPlainYaml } from "./plain-yaml.js";
import { REFUSED_KEYS } from "./refused-keys.js";

/*
 * The fast path reads a file without positions: first with the plain-subset reader
 * (plain-yaml.ts), else with js-yaml or JSON.parse, all many times faster than the `yaml`
 * document parser. It answers only for files it can prove the `yaml` path would read to the same
 * value with no diagnostic; anything else (null) goes the `yaml` way. So every construct where
 * the parsers could disagree sends the file back: the checks below are deliberately coarse, a
 * false alarm only costs speed.
 */

/** Characters the parsers may treat differently: controls, BOM, line/paragraph separators, surrogates. */
const ODD_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/;
/** In YAML also tabs (indentation rules differ) and a CR that does not end a CRLF line. */
const ODD_IN_YAML = /\t|\r(?!\n)/;
/** Directives and document markers. */
const DOCUMENT_MARKERS = /^(?:---|\.\.\.|%)/m;
/**
 * Anchors, aliases, tags, reserved indicators and complex keys where a node may start: at a line's
 * start (after any `- `), after a `:` or a flow indicator.
 */
const NODE_PROPERTIES = /(?:^[ ]*(?:-[ ]+)*|:[ ]*|[,[{][ ]*)(?:[&*!@`]|\?(?:[ ]|$))/m;
/**
 * The indicator characters NODE_PROPERTIES needs: most files hold none, and one scan for them is
 * far cheaper than trying that pattern's alternatives at every offset.
 */
const NODE_PROPERTY_CHARACTERS = /[&*!@`?]/;
/** Non-empty flow collections (`[]` and `{}` are fine), where indentation rules differ. */
const FLOW_COLLECTION = /[[{](?![\]}])/;
/** A quoted scalar directly followed by a comment: an error for `yaml`. */
const QUOTE_COMMENT = /["']#/;
/** `yaml` caps implicit keys at 1024 characters; no YAML line that long takes the fast path. */
const LONG_LINE = /^[^\n]{1000}/m;
const FIRST_CHARACTER = /\S/;

/** Keys js-yaml and `yaml` spell differently (a null key), or that take other paths (merge). */
const AMBIGUOUS_KEYS = new Set(["null", "", "<<"]);

/** JSON string literals, each with whether it is a key (followed by `:`). */
const JSON_STRING = /"(?:[^"\\]|\\.)*"(\s*:)?/g;

/**
 * The file's text and top-level mapping when it decodes and parses on the fast path; null means
 * "take the full path", which then finds and locates whatever is wrong with it.
 */
export function readFast(content: string | Uint8Array, format: FileFormat): { text: string; body: JsonObject } | null {
  let text: string;
  if (typeof content === "string") {
    // A UTF-16 code unit is at most 3 UTF-8 bytes: a cheap bound, the full path measures exactly.
    if (content.length * 3 > MAX_FILE_BYTES) return null;
    text = content;
  } else {
    if (content.byteLength > MAX_FILE_BYTES) return null;
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    if (!isUtf8(bytes)) return null;
    text = bytes.toString("utf8");
  }
  const body = parseFast(text, format);
  return body && { text, body };
}

/**
 * The file's top-level mapping when it is plain enough to be read without positions, exactly as
 * the `yaml` path would read it and with no diagnostic from parsing; null otherwise.
 */
export function parseFast(text: string, format: FileFormat): JsonObject | null {
  // Most files are in the plain subset: its reader checks its own characters.
  if (format !== "json") {
    const plain = readPlainYaml(text);
    if (plain) return plain;
  }
  if (ODD_CHARACTERS.test(text)) return null;
  const first = FIRST_CHARACTER.exec(text)?.[0];
  // A .yaml file holding JSON gets an `extension-format` warning: the `yaml` path reports it.
  return format === "json" ? (first === "{" ? parseJson(text) : null) : first === "{" ? null : parseYaml(text);
}

function parseYaml(text: string): JsonObject | null {
  if (
    ODD_IN_YAML.test(text) ||
    // Most files are shorter than one such line: the pattern is tried at every offset otherwise.
    (text.length >= 1000 && LONG_LINE.test(text)) ||
    DOCUMENT_MARKERS.test(text) ||
    (NODE_PROPERTY_CHARACTERS.test(text) && NODE_PROPERTIES.test(text)) ||
    FLOW_COLLECTION.test(text) ||
    QUOTE_COMMENT.test(text)
  ) {
    return null;
  }
  let value: unknown;
  try {
    // Duplicate keys throw (js-yaml's default), which sends the file to the `yaml` path.
    value = jsYaml().load(text, { schema: yamlCoreSchema() });
  } catch {
    return null;
  }
  return isMapping(value) && countKeys(value) >= 0 ? value : null;
}

function parseJson(text: string): JsonObject | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isMapping(value)) return null;
  const keys = countKeys(value);
  if (keys < 0) return null;
  // JSON.parse keeps the last of duplicate keys silently; `yaml` reports them.
  let written = 0;
  for (const match of text.matchAll(JSON_STRING)) if (match[1] !== undefined) written++;
  return written === keys ? value : null;
}

function isMapping(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * How many keys the value holds at every depth, or -1 when one of them needs the `yaml` path:
 * also nesting past the limit and NUL characters, which that path reports.
 */
function countKeys(value: JsonValue, depth = 1): number {
  if (typeof value === "string") return value.includes("\u0000") ? -1 : 0;
  if (value === null || typeof value !== "object") return 0;
  if (depth > MAX_DEPTH) return -1;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) {
      const n = countKeys(item, depth + 1);
      if (n < 0) return -1;
      total += n;
    }
    return total;
  }
  let total = 0;
  for (const key of Object.keys(value)) {
    if (REFUSED_KEYS.has(key) || AMBIGUOUS_KEYS.has(key) || key.length > 150 || key.includes("\u0000")) return -1;
    const n = countKeys(value[key] as JsonValue, depth + 1);
    if (n < 0) return -1;
    total += n + 1;
  }
  return total;
}
