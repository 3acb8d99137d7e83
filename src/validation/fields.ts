import type { FieldPath } from "../catalog/schema-walk.js";
import type { JsonValue } from "../core/types.js";

export interface FieldOccurrence {
  path: (string | number)[];
  value: JsonValue;
}

/** Every value at a catalog field path (`*` = each array item) that is present in `value`. */
export function occurrences(value: JsonValue, path: FieldPath): FieldOccurrence[] {
  const out: FieldOccurrence[] = [];
  const walk = (node: JsonValue, i: number, at: (string | number)[]): void => {
    if (i === path.length) {
      out.push({ path: at, value: node });
      return;
    }
    const part = path[i] as string;
    if (part === "*") {
      if (Array.isArray(node)) node.forEach((item, index) => walk(item, i + 1, [...at, index]));
    } else if (node !== null && typeof node === "object" && !Array.isArray(node) && Object.hasOwn(node, part)) {
      walk(node[part] as JsonValue, i + 1, [...at, part]);
    }
  };
  walk(value, 0, []);
  return out;
}

export function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}
