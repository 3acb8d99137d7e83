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
  // One path stack, copied only for what is found: most lookups (secrets) find nothing.
  collect(value, path, 0, [], out);
  return out;
}

function collect(node: JsonValue, path: FieldPath, from: number, at: (string | number)[], out: FieldOccurrence[]): void {
  let current = node;
  const depth = at.length;
  for (let i = from; i < path.length; i++) {
    const part = path[i] as string;
    if (part === "*") {
      if (Array.isArray(current)) {
        for (let index = 0; index < current.length; index++) {
          at.push(index);
          collect(current[index] as JsonValue, path, i + 1, at, out);
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
  out.push({ path: at.slice(), value: current });
  at.length = depth;
}

export function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}

/** A value found in one of a kind's reference fields: what the cross-file rules check. */
export interface FoundReference {
  field: ReferenceField;
  path: (string | number)[];
  value: string;
}

/**
 * The names a resource's reference fields hold (strings only: anything else already failed its
 * schema). The cross-file rules need nothing else of a body, so a tree's bodies need not be kept.
 */
export function referencesOf(kind: Kind, body: JsonObject): FoundReference[] {
  const out: FoundReference[] = [];
  for (const field of kind.references) {
    for (const found of occurrences(body, field.path)) {
      if (typeof found.value === "string") out.push({ field, path: found.path, value: found.value });
    }
  }
  return out;
}
