import type { Catalog } from "../catalog/catalog.js";
import { resourcePath, serializeResource } from "../catalog/serialize.js";
import { NotFoundError } from "../core/errors.js";
import type { Diagnostic, JsonObject } from "../core/types.js";
import { runValidation, type ConfigFile, type CurrentResource, type ParsedResource, type ResourceRef } from "./engine.js";

export type { ConfigFile, CurrentResource, ParsedResource, ResourceRef } from "./engine.js";
export { compareDiagnostics } from "./diagnostic.js";
export { MAX_ALIAS_COUNT, MAX_FILE_BYTES } from "./parse.js";
export { locateFile } from "./locate.js";
export { readConfigTree } from "./read-tree.js";

export interface TreeResult {
  diagnostics: Diagnostic[];
  resources: ParsedResource[];
  /** How many config files (in known folders, with a config extension) were examined. */
  files: number;
}

/** A whole tree of files on its own (a checkout, a branch to import). */
export function validateTree(input: {
  catalog: Catalog;
  files: readonly ConfigFile[];
  basePath?: string;
  connections?: readonly string[] | null;
  /** False when only the diagnostics are wanted (`gitsync validate`): `resources` is then empty. */
  resources?: boolean;
}): TreeResult {
  const result = runValidation({
    catalog: input.catalog,
    basePath: input.basePath ?? "",
    files: input.files,
    deleted: [],
    current: [],
    connections: input.connections ?? null,
    resources: input.resources ?? true,
  });
  return { diagnostics: result.diagnostics, resources: result.resources, files: result.files };
}

/**
 * A change (a push, a pull request) against the tenant as it would be after it: what inbound
 * sync and PR checks call. A sync whose model is deleted in the same change is an error.
 */
export function validateChange(input: {
  catalog: Catalog;
  basePath: string;
  changed: readonly ConfigFile[];
  deleted: readonly string[];
  current: readonly CurrentResource[];
  connections: readonly string[] | null;
}): { diagnostics: Diagnostic[]; resources: ParsedResource[]; deleted: ResourceRef[] } {
  const result = runValidation({ ...input, files: input.changed });
  return { diagnostics: result.diagnostics, resources: result.resources, deleted: result.deleted };
}

/**
 * One resource written through the REST API. It is validated as the file outbound sync would
 * write (`<folder>/<name>.yaml`), so positions match that file. Secret fields are dropped by
 * serialisation, as they would be from the file, and are not reported here.
 */
export function validateResource(input: {
  catalog: Catalog;
  kind: string;
  name: string;
  body: JsonObject;
  current: readonly CurrentResource[];
  connections: readonly string[] | null;
}): Diagnostic[] {
  const kind = input.catalog.byId(input.kind);
  if (!kind) throw new NotFoundError(`unknown kind '${input.kind}'`, { kind: input.kind });
  const path = resourcePath("", kind.folder, input.name, "yaml");
  const content = serializeResource(input.catalog, kind.id, input.body, "yaml");
  const current = input.current.filter((r) => r.kind !== kind.id || r.name !== input.name);
  return runValidation({
    catalog: input.catalog,
    basePath: "",
    files: [{ path, content }],
    deleted: [],
    current,
    connections: input.connections,
  }).diagnostics;
}
