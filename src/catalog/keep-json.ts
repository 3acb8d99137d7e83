import { isDeepStrictEqual } from "node:util";
import type { JsonObject, JsonValue } from "../core/types.js";

/**
 * Edits a JSON file a person wrote so that it holds `target`. JSON has no comments, so keeping
 * it means: the same bytes when nothing changed; otherwise the file's key order at every depth
 * (new keys after the nearest earlier key of `target`'s canonical order), its indentation
 * (spaces or a tab, as its first indented line has; none when it is one line) and whether it
 * ends with a newline. Each field of an indented file is on its own line, so a changed scalar
 * changes only its line. Null when the file is not a JSON object: the caller writes it anew.
 */
export function editJson(existing: string, target: JsonObject): string | null {
  let current: unknown;
  try {
    current = JSON.parse(existing);
  } catch {
    return null;
  }
  if (!isObject(current)) return null;
  if (isDeepStrictEqual(current, target)) return existing;
  const indent = /\n([ \t]+)\S/.exec(existing)?.[1] ?? "";
  const text = JSON.stringify(keepOrder(current, target), null, indent);
  return /\n\s*$/.test(existing) ? `${text}\n` : text;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function keepOrder(current: unknown, target: JsonValue): JsonValue {
  if (Array.isArray(target)) {
    return target.map((item, i) => keepOrder(Array.isArray(current) ? current[i] : undefined, item));
  }
  if (!isObject(target)) return target;
  if (!isObject(current)) return target;
  const order = Object.keys(current).filter((k) => Object.hasOwn(target, k));
  Object.keys(target).forEach((key, index) => {
    if (order.includes(key)) return;
    const before = new Set(Object.keys(target).slice(0, index));
    let at = 0;
    order.forEach((k, i) => {
      if (before.has(k)) at = i + 1;
    });
    order.splice(at, 0, key);
  });
  // fromEntries defines own properties, so even an odd key cannot touch a prototype.
  return Object.fromEntries(order.map((k) => [k, keepOrder(current[k], target[k] as JsonValue)]));
}
