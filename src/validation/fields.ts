import type { Kind, ReferenceField } from "../catalog/kind.js";
import type { FieldPath } from "../catalog/schema-walk.js";
import type { JsonObject, JsonValue } from "../core/types.js";

export interface FieldOccurrence {
  path: (string | number)[];
  value: JsonValue;
}

/** Every value at a catalog field path (`*` = each array item) that is present in `value`. */
export function occurrences(value: JsonValue, path: FieldPath): FieldOccurrence[] {
  const out: FieldOccurrence[] = [];
  visit(value, path, 0, [], (found, at) => out.push({ path: at.slice(), value: found }));
  return out;
}

/**
 * Calls `onFound` with each value at the path and where it is. One path stack, `at`, shared by
 * the whole walk: callers copy it only for what they keep.
 */
function visit(node: JsonValue, path: FieldPath, from: number, at: (string | number)[], onFound: (value: JsonValue, at: (string | number)[]) => void): void {
  let current = node;
  const depth = at.length;
  for (let i = from; i < path.length; i++) {
    const part = path[i] as string;
    if (part === "*") {
      if (Array.isArray(current)) {
        for (let index = 0; index < current.length; index++) {
          at.push(index);
          visit(current[index] as JsonValue, path, i + 1, at, onFound);
          at.pop();
        }
      }
      at.length = depth;
      return;
    }
    if (current === null || typeof current !== "object" || Array.isArray(current) || !Object.hasOwn(current, part)) {
      at.length = depth;
      return;
    }
    current = current[part] as JsonValue;
    at.push(part);
  }
  onFound(current, at);
  at.length = depth;
}

export function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}

/** A value found in one of a kind's reference fields: what the cross-file rules check. */
export interface FoundReference {
  field: ReferenceField;
  path: readonly (string | number)[];
  value: string;
}

/**
 * The names a resource's reference fields hold (strings only: anything else already failed its
 * schema). The cross-file rules need nothing else of a body, so a tree's bodies need not be kept.
 */
export function referencesOf(kind: Kind, body: JsonObject): FoundReference[] {
  const out: FoundReference[] = [];
  for (const field of kind.references) {
    // A path without `*` is where it is found: shared, not copied per resource.
    const fixed = !field.path.includes("*");
    visit(body, field.path, 0, [], (value, at) => {
      if (typeof value === "string") out.push({ field, path: fixed ? field.path : at.slice(), value });
    });
  }
  return out;
}
