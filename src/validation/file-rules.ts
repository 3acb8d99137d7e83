import { formatFieldPath, type Kind } from "../catalog/kind.js";
import type { Diagnostic, JsonObject, JsonValue } from "../core/types.js";
import { diagnostic } from "./diagnostic.js";
import { occurrences, startsWith } from "./fields.js";
import type { InstancePath, Positions } from "./positions.js";
import { schemaDiagnostics } from "./schema-errors.js";

/*
 * The rules one file must pass on its own once it is read: the same function for a file read on
 * the fast path (positions computed only if a rule reports) and on the full path, so a rule
 * added here holds on both.
 */

/** Secrets, schema and name rules for one parsed file. Returns the body without secrets. */
export function checkContent(
  file: string,
  kind: Kind,
  name: string,
  value: JsonObject,
  positions: Positions,
  out: Diagnostic[],
): JsonObject {
  const secretPaths: InstancePath[] = [];
  for (const path of kind.secrets) {
    for (const found of occurrences(value, path)) {
      secretPaths.push(found.path);
      out.push(
        diagnostic(
          file,
          positions.key(found.path),
          "secret",
          `field '${formatFieldPath(found.path)}' is secret and must never be stored in git; remove it and set it in the app (its value is not shown)`,
        ),
      );
    }
  }
  if (!kind.validate(value)) {
    const skip = (path: InstancePath): boolean => secretPaths.some((s) => startsWith(path, s));
    out.push(...schemaDiagnostics(file, kind, kind.validate.errors ?? [], value, positions, skip));
  }
  const declared = value["name"];
  if (typeof declared === "string" && declared !== name) {
    out.push(
      diagnostic(file, positions.value(["name"]), "name-mismatch", `field 'name' is '${declared}' but the file name says '${name}'; they must be equal`),
    );
  }
  return secretPaths.length === 0 ? value : withoutPaths(value, secretPaths);
}

function withoutPaths(value: JsonObject, paths: InstancePath[]): JsonObject {
  const copy = structuredClone(value);
  for (const path of paths) {
    let node: JsonValue | undefined = copy;
    for (const part of path.slice(0, -1)) node = node !== null && typeof node === "object" ? (node as Record<string, JsonValue>)[part as string] : undefined;
    const last = path[path.length - 1];
    if (node !== null && typeof node === "object" && !Array.isArray(node) && typeof last === "string") delete node[last];
  }
  return copy;
}
