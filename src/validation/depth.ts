import type { Document, Node } from "yaml";
import { yaml } from "../catalog/lazy-yaml.js";
import type { JsonValue } from "../core/types.js";
import { MAX_DEPTH } from "./limits.js";

/** The message every path gives for input nested deeper than MAX_DEPTH. */
export const DEPTH_MESSAGE = `mappings and lists are nested more than ${MAX_DEPTH} levels deep (the limit, counting the top level)`;

/**
 * The offset of the first collection of a parsed document that sits deeper than MAX_DEPTH, or
 * null. An explicit stack instead of recursion: the input is exactly what could exhaust one.
 */
export function tooDeepOffset(doc: Document.Parsed): number | null {
  const { isMap, isSeq, isPair } = yaml();
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, depth } = top;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_DEPTH) return (node as Node).range?.[0] ?? 0;
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        stack.push({ node: item.value, depth: depth + 1 }, { node: item.key, depth: depth + 1 });
      } else stack.push({ node: item, depth: depth + 1 });
    }
  }
  return null;
}

/** The path to the first collection of a value deeper than MAX_DEPTH (aliases expanded), or null. */
export function tooDeepPath(value: JsonValue): (string | number)[] | null {
  const stack: { value: JsonValue; path: (string | number)[] }[] = [{ value, path: [] }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value: node, path } = top;
    if (node === null || typeof node !== "object") continue;
    if (path.length >= MAX_DEPTH) return path;
    if (Array.isArray(node)) node.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
    else for (const key of Object.keys(node)) stack.push({ value: node[key] as JsonValue, path: [...path, key] });
  }
  return null;
}
