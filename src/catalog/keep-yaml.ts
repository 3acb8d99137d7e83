import { isDeepStrictEqual } from "node:util";
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from "yaml";
import { yaml } from "./lazy-yaml.js";
import { lineHunks } from "./line-diff.js";
import type { JsonObject, JsonValue } from "../core/types.js";

/**
 * Edits a YAML file a person wrote so that it holds `target`, touching only what differs:
 * comments, blank lines, key order, quoting and flow or block style of everything else stay,
 * because the file's own Document is edited and printed rather than the value re-serialised.
 * A changed string keeps its scalar's quoting; a new key goes after the nearest key that
 * precedes it in `target` (canonical order), so a file the app wrote stays canonical.
 * Returns null when the file cannot be edited safely (unparseable, not a mapping, or the edit
 * would not read back as `target`): the caller then writes the canonical form.
 */
export function editYaml(existing: string, target: JsonObject): string | null {
  const Y = yaml();
  const doc = Y.parseDocument(existing, { uniqueKeys: true, prettyErrors: false, resolveKnownTags: false });
  if (doc.errors.length > 0 || !Y.isMap(doc.contents)) return null;
  if (isDeepStrictEqual(doc.toJS(), target)) return existing;
  const options = { lineWidth: 0, minContentWidth: 0, ...styleOf(existing) };
  const before = doc.toString(options);
  patchMap(doc, doc.contents, target);
  const after = doc.toString(options);
  // The printer may respace lines it did not change (before a comment, say): only the lines
  // the edit changed are taken from it, the others stay byte for byte as the person wrote them.
  for (const text of [splice(existing, before, after), after]) {
    if (text !== null && readsAs(text, target)) return text;
  }
  return null;
}

function readsAs(text: string, target: JsonObject): boolean {
  try {
    return isDeepStrictEqual(yaml().parse(text, { resolveKnownTags: false }), target);
  } catch {
    return false;
  }
}

/**
 * `existing` with the lines that differ between `before` and `after` (the printer's output
 * without and with the edit) replaced. Only when the printer kept the file's line count, so
 * that its lines stand for the file's lines one by one; else null.
 */
function splice(existing: string, before: string, after: string): string | null {
  const lines = existing.split("\n");
  const old = before.split("\n");
  if (lines.length !== old.length) return null;
  const updated = after.split("\n");
  const hunks = lineHunks(old, updated);
  if (hunks === null) return null;
  const out: string[] = [];
  let at = 0;
  for (const hunk of hunks) {
    out.push(...lines.slice(at, hunk.aStart), ...updated.slice(hunk.bStart, hunk.bEnd));
    at = hunk.aEnd;
  }
  out.push(...lines.slice(at));
  return out.join("\n");
}

function keyName(pair: Pair): string | null {
  const key = pair.key;
  if (yaml().isScalar(key)) return String(key.value);
  return typeof key === "string" ? key : null;
}

function patchMap(doc: Document, map: YAMLMap, target: JsonObject): void {
  map.items = map.items.filter((pair) => {
    const name = keyName(pair);
    return name !== null && Object.hasOwn(target, name);
  });
  const order = Object.keys(target);
  order.forEach((key, index) => {
    const value = target[key] as JsonValue;
    const pair = map.items.find((p) => keyName(p) === key);
    if (pair) {
      pair.value = patchNode(doc, pair.value as Node | null, value);
      return;
    }
    // After the nearest earlier key of the canonical order that the file has; else first.
    const before = new Set(order.slice(0, index));
    let at = 0;
    map.items.forEach((p, i) => {
      if (before.has(keyName(p) ?? "")) at = i + 1;
    });
    map.items.splice(at, 0, doc.createPair(key, value) as Pair);
  });
}

function patchSeq(doc: Document, seq: YAMLSeq, target: JsonValue[]): void {
  // Items kept in place up to the shorter length; the rest are appended or dropped at the end.
  const shared = Math.min(seq.items.length, target.length);
  for (let i = 0; i < shared; i += 1) seq.items[i] = patchNode(doc, seq.items[i] as Node | null, target[i] as JsonValue);
  seq.items.length = shared;
  for (const item of target.slice(shared)) seq.items.push(doc.createNode(item));
}

function patchNode(doc: Document, node: Node | null, target: JsonValue): Node {
  const Y = yaml();
  if (node && isDeepStrictEqual(node.toJS(doc), target)) return node;
  const isObject = target !== null && typeof target === "object" && !Array.isArray(target);
  // An empty collection prints in flow style (`{}`, `[]`); filled, it takes block style anew.
  const emptyFlow = (Y.isMap(node) || Y.isSeq(node)) && node.flow === true && node.items.length === 0;
  if (Y.isMap(node) && isObject && !emptyFlow) {
    patchMap(doc, node, target);
    return node;
  }
  if (Y.isSeq(node) && Array.isArray(target) && !emptyFlow) {
    patchSeq(doc, node, target);
    return node;
  }
  if (Y.isScalar(node) && typeof node.value === "string" && typeof target === "string") {
    // Same scalar, new text: its quoting (plain, single, double, block) stays when it can.
    node.value = target;
    return node;
  }
  const created = doc.createNode(target);
  if (node) {
    created.comment = node.comment;
    created.commentBefore = node.commentBefore;
    created.spaceBefore = node.spaceBefore;
    if ((Y.isMap(node) || Y.isSeq(node)) && (Y.isMap(created) || Y.isSeq(created)) && !emptyFlow) created.flow = node.flow;
  }
  return created;
}

/** The file's indentation step and whether block sequences under a key are indented. */
function styleOf(text: string): { indent: number; indentSeq: boolean } {
  const lines = text.split("\n");
  let indent = 2;
  let indentSeq = true;
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i]!;
    const prev = lines[i - 1]!;
    const lead = /^( *)\S/.exec(line)?.[1]?.length;
    const prevLead = /^( *)\S/.exec(prev)?.[1]?.length;
    if (lead === undefined || prevLead === undefined || !/:\s*$/.test(prev) || prev.trimStart().startsWith("#")) continue;
    if (lead > prevLead) {
      indent = lead - prevLead;
      break;
    }
    if (lead === prevLead && line.trimStart().startsWith("- ")) indentSeq = false;
  }
  return { indent, indentSeq };
}
