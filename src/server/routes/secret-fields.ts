import type { Kind } from "../../catalog/kind.js";
import type { JsonObject, JsonValue, Resource } from "../../core/types.js";

/** `value` without the field at `path` (`*` = every array item or object key). */
function without(value: JsonValue, path: readonly string[]): JsonValue {
  const [head, ...rest] = path;
  if (head === undefined || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return head === "*" ? value.map((item) => without(item, rest)) : value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (head !== "*" && key !== head) out[key] = child;
    else if (rest.length > 0) out[key] = without(child, rest);
  }
  return out;
}

/** Secret (write-only) fields of a kind never leave through the API, as they never reach git. */
export function publicResource(kind: Kind, resource: Resource): Resource {
  let body: JsonValue = resource.body;
  for (const path of kind.secrets) body = without(body, path);
  return { ...resource, body: body as JsonObject };
}
