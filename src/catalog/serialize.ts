import { yaml } from "./lazy-yaml.js";
import type { FileFormat, JsonObject, JsonValue } from "../core/types.js";
import type { Catalog } from "./catalog.js";
import { itemsAt, propertiesAt, type SchemaNode } from "./schema-walk.js";
import { editJson } from "./keep-json.js";
import { editYaml } from "./keep-yaml.js";

/**
 * The file outbound sync writes for a resource. Deterministic, so an unchanged tenant never makes
 * a commit: known keys in schema order, other keys sorted, at every depth; secret (`writeOnly`,
 * `x-gitsync-secret`) and server-maintained (`readOnly`) fields dropped; a trailing newline.
 */
export function serializeResource(catalog: Catalog, kindId: string, body: JsonObject, format: FileFormat): string {
  const ordered = exportedBody(catalog, kindId, body);
  if (format === "json") return `${JSON.stringify(ordered, null, 2)}\n`;
  // lineWidth 0: never fold long strings, so a one-word change never rewraps a paragraph.
  return yaml().stringify(ordered, { lineWidth: 0, minContentWidth: 0 });
}

/**
 * The file outbound sync writes for a resource whose file is already in git: that file edited in
 * place (its comments, key order, quoting and blank lines kept; the very same text when the
 * resource did not change), or the canonical form when there is no file or it cannot be edited.
 */
export function writeResource(
  catalog: Catalog,
  kindId: string,
  body: JsonObject,
  format: FileFormat,
  existing: string | undefined,
): string {
  if (existing !== undefined) {
    const target = exportedBody(catalog, kindId, body);
    const edited = format === "json" ? editJson(existing, target) : editYaml(existing, target);
    if (edited !== null) return edited;
  }
  return serializeResource(catalog, kindId, body, format);
}

/** The body as written to git: secret and server-maintained fields dropped, keys in canonical order. */
function exportedBody(catalog: Catalog, kindId: string, body: JsonObject): JsonObject {
  const kind = catalog.byId(kindId);
  if (!kind) throw new Error(`unknown kind '${kindId}'`);
  return order(kind.schema, [kind.schema], body) as JsonObject;
}

/** `<basePath>/<folder>/<name>.<ext>`, with forward slashes and no leading or doubled slash. */
export function resourcePath(basePath: string, folder: string, name: string, format: FileFormat): string {
  const base = basePath.replace(/^\/+|\/+$/g, "");
  const file = `${folder}/${name}.${format === "json" ? "json" : "yaml"}`;
  return base === "" ? file : `${base}/${file}`;
}

function order(root: SchemaNode, schemas: SchemaNode[], value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    const items = schemas.flatMap((s) => itemsAt(root, s));
    return value.map((item) => order(root, items, item));
  }
  if (value === null || typeof value !== "object") return value;
  const props = new Map<string, SchemaNode[]>();
  for (const schema of schemas) {
    for (const [name, subs] of propertiesAt(root, schema)) props.set(name, [...(props.get(name) ?? []), ...subs]);
  }
  const entries: [string, JsonValue][] = [];
  const push = (key: string, subs: SchemaNode[]): void => {
    const v = value[key];
    if (v === undefined) return;
    if (subs.some((s) => s["writeOnly"] === true || s["x-gitsync-secret"] === true || s["readOnly"] === true)) return;
    entries.push([key, order(root, subs, v)]);
  };
  for (const [name, subs] of props) if (Object.hasOwn(value, name)) push(name, subs);
  for (const key of Object.keys(value).filter((k) => !props.has(k)).sort()) push(key, []);
  // fromEntries defines own properties, so even an odd key cannot touch a prototype.
  return Object.fromEntries(entries);
}
