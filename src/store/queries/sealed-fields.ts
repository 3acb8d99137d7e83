import type { JsonObject, JsonValue } from "../../core/types.js";
import type { SecretBox } from "../secret-box.js";

/** Where a kind's secret fields are: instance paths, `*` for any array item or object key. */
export type SecretFieldsOf = (kind: string) => readonly (readonly string[])[];

/** No kind has secret fields: a store opened without the catalog (tools, some tests). */
export const NO_SECRET_FIELDS: SecretFieldsOf = () => [];

/**
 * A secret value in a stored body is replaced, in place (the body keeps its key order), by an
 * object with this one key holding the sealed JSON of the value. An object cannot be mistaken
 * for a sealed string a person wrote, and any JSON value (string, object) can be sealed.
 */
const SEALED_KEY = "$gitsync-sealed";

export interface ResourceKey {
  tenant: string;
  kind: string;
  name: string;
}

type Leaf = { holder: JsonObject | JsonValue[]; key: string | number; path: string };

export function isSealedValue(value: JsonValue | undefined): value is { [SEALED_KEY]: string } {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) &&
    Object.keys(value).length === 1 && typeof value[SEALED_KEY] === "string"
  );
}

/** Paths without those nested under another secret path: a sealed parent hides its children. */
function outermost(paths: readonly (readonly string[])[]): (readonly string[])[] {
  const isPrefix = (a: readonly string[], b: readonly string[]): boolean =>
    a.length < b.length && a.every((part, i) => part === b[i]);
  return paths.filter((path) => path.length > 0 && !paths.some((other) => isPrefix(other, path)));
}

/** Every place a value exists at `path` in `body`, with its concrete path (`tasks.0.token`). */
function leaves(body: JsonObject, path: readonly string[]): Leaf[] {
  const out: Leaf[] = [];
  const visit = (value: JsonValue, depth: number, trail: string[]): void => {
    if (value === null || typeof value !== "object" || isSealedValue(value)) return;
    const part = path[depth] as string;
    const last = depth === path.length - 1;
    const entries: [string | number, JsonValue | undefined][] = Array.isArray(value)
      ? part === "*" ? value.map((item, i) => [i, item]) : []
      : part === "*" ? Object.entries(value) : [[part, value[part]]];
    for (const [key, child] of entries) {
      if (child === undefined) continue;
      const here = [...trail, String(key)];
      if (last) {
        if (!isSealedValue(child)) out.push({ holder: value, key, path: here.join(".") });
      }
      else visit(child, depth + 1, here);
    }
  };
  visit(body, 0, []);
  return out;
}

const read = (leaf: Leaf): JsonValue => (leaf.holder as Record<string | number, JsonValue>)[leaf.key] as JsonValue;
const write = (leaf: Leaf, value: JsonValue): void => {
  (leaf.holder as Record<string | number, JsonValue>)[leaf.key] = value;
};

/** Additional authenticated data: a sealed value opens only in the resource and field it was written for. */
const context = (key: ResourceKey, path: string): string => `resource:${key.tenant}/${key.kind}/${key.name}#${path}`;

/** A copy of `body` with every secret field sealed (values already sealed are left as they are). */
export function sealBody(box: SecretBox, fields: SecretFieldsOf, key: ResourceKey, body: JsonObject): JsonObject {
  const copy = structuredClone(body);
  for (const path of outermost(fields(key.kind))) {
    for (const leaf of leaves(copy, path)) {
      const value = read(leaf);
      if (!isSealedValue(value)) write(leaf, { [SEALED_KEY]: box.seal(JSON.stringify(value), context(key, leaf.path)) });
    }
  }
  return copy;
}

/** Whether stored body text may hold a sealed value: lets reads skip the walk for most rows. */
export const mayHoldSealed = (text: string): boolean => text.includes(SEALED_KEY);

/**
 * A copy of a stored body with every sealed value opened, wherever it is (also in a field a
 * kind no longer marks secret); a plaintext value stored before sealing existed stays as is.
 */
export function openBody(box: SecretBox, key: ResourceKey, body: JsonObject): JsonObject {
  const copy = structuredClone(body);
  const visit = (value: JsonValue, trail: string[]): void => {
    if (value === null || typeof value !== "object") return;
    const entries: [string | number, JsonValue][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
    for (const [k, child] of entries) {
      const here = [...trail, String(k)];
      if (isSealedValue(child)) {
        const opened = box.open(child[SEALED_KEY], context(key, here.join(".")));
        (value as Record<string | number, JsonValue>)[k] = JSON.parse(opened) as JsonValue;
      } else visit(child, here);
    }
  };
  visit(copy, []);
  return copy;
}

/**
 * The stored body as it should be now: plaintext secrets (written before they were sealed, or
 * before an extra kind marked the field secret) sealed, and values sealed with an older key
 * sealed again with the current one. Null when nothing needs to change.
 */
export function resealBody(box: SecretBox, fields: SecretFieldsOf, key: ResourceKey, stored: JsonObject): JsonObject | null {
  const paths = outermost(fields(key.kind));
  let stale = false;
  const checkStale = (value: JsonValue): void => {
    if (isSealedValue(value)) stale ||= !box.isCurrent(value[SEALED_KEY]);
    else if (value !== null && typeof value === "object") for (const child of Object.values(value)) checkStale(child);
  };
  checkStale(stored);
  const plaintext = paths.some((path) => leaves(stored, path).length > 0);
  if (!stale && !plaintext) return null;
  return sealBody(box, fields, key, openBody(box, key, stored));
}
