import type { Catalog } from "../catalog/catalog.js";
import { formatFieldPath, type Kind } from "../catalog/kind.js";
import { RESOURCE_NAME, type Diagnostic, type FileFormat, type JsonObject } from "../core/types.js";
import { findCycles } from "./cycles.js";
import { compareDiagnostics, diagnostic, fileStart } from "./diagnostic.js";
import { occurrences, referencesOf, type FoundReference } from "./fields.js";
import { readFast } from "./fast-parse.js";
import { checkContent } from "./file-rules.js";
import { locateFile, type FileLocation } from "./locate.js";
import { lazyPositions, parseConfigFile, type ParsedFile } from "./parse.js";
import type { Position, Positions } from "./positions.js";

export interface ConfigFile {
  path: string;
  /** Raw bytes are checked for UTF-8; a string is taken as already decoded. */
  content: string | Uint8Array;
}

export interface ParsedResource {
  kind: string;
  name: string;
  path: string;
  /** The file's content, without any secret field. */
  body: JsonObject;
  project: string | null;
}

export interface ResourceRef {
  kind: string;
  name: string;
}

export interface CurrentResource extends ResourceRef {
  body: JsonObject;
}

export interface EngineInput {
  catalog: Catalog;
  basePath: string;
  files: readonly ConfigFile[];
  deleted: readonly string[];
  current: readonly CurrentResource[];
  /** Names of the tenant's connections; null when unknown (connection references are skipped). */
  connections: readonly string[] | null;
  /** False forces every file through the `yaml` path (to prove both paths agree). Default true. */
  fastPath?: boolean;
  /** False when only diagnostics are wanted: `resources` comes back empty. Default true. */
  resources?: boolean;
}

export interface EngineResult {
  diagnostics: Diagnostic[];
  resources: ParsedResource[];
  deleted: ResourceRef[];
  /** How many config files were examined. */
  files: number;
}

interface Entry {
  path: string;
  kind: Kind;
  name: string;
  /** Without secrets; null when the result's `resources` are not wanted. */
  body: JsonObject | null;
  references: FoundReference[];
  positions: Positions;
}

/**
 * Validates files against the tenant as it would be after they are applied: the current
 * resources, minus deleted paths, plus the files. Diagnostics are reported on the files (and on
 * deleted paths whose resource is still named by an unchanged one).
 */
export function runValidation(input: EngineInput): EngineResult {
  const diagnostics: Diagnostic[] = [];
  const entries: Entry[] = [];
  /** The first path of each kind and name. */
  const claimed = new Map<Kind, Map<string, string>>();
  let examined = 0;

  const files = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of files) {
    const where = locateFile(input.catalog, input.basePath, file.path);
    if (!where) continue;
    examined++;
    const entry = checkFile(input, file, where, claimed, diagnostics);
    if (entry) entries.push(entry);
  }

  const deleted = deletedResources(input, entries);
  const index = resultingTenant(input, entries, deleted);
  checkReferences(input, entries, index, diagnostics);
  checkDeletedStillReferenced(input, entries, deleted, index, diagnostics);
  checkCycles(input.catalog, entries, index, diagnostics);

  diagnostics.sort(compareDiagnostics);
  return {
    diagnostics,
    resources: input.resources === false ? [] : entries.flatMap(resourceOf),
    deleted,
    files: examined,
  };
}

/**
 * One located file on its own: exported kind, file name, one file per resource, then read and
 * the per-file rules. Returns the entry the cross-file rules take, or null when there is none.
 */
function checkFile(
  input: EngineInput,
  file: ConfigFile,
  where: FileLocation,
  claimed: Map<Kind, Map<string, string>>,
  diagnostics: Diagnostic[],
): Entry | null {
  const { kind, name } = where;
  const report = (code: string, message: string): number => diagnostics.push(diagnostic(file.path, fileStart(), code, message));
  if (!kind.exported) {
    report("not-exported", `${kind.id} resources are never stored in git (${kind.folder}/ is not exported); remove this file and manage it in the app`);
    return null;
  }
  const goodName = RESOURCE_NAME.test(name);
  if (!goodName) {
    report(
      "bad-name",
      `file name '${name}' is not a valid resource name: lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters`,
    );
  }
  let names = claimed.get(kind);
  if (!names) claimed.set(kind, (names = new Map()));
  const first = names.get(name);
  if (first !== undefined) report("duplicate-resource", `${kind.id} '${name}' is also defined by ${first}; keep one file per resource`);
  else names.set(name, file.path);

  const parsed = readFile(file, where.format, input.fastPath !== false);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.value) return null;
  const body = checkContent(file.path, kind, name, parsed.value, parsed.positions, diagnostics);
  parsed.positions.release();
  if (!goodName || first !== undefined) return null;
  return { path: file.path, kind, name, body: input.resources === false ? null : body, references: referencesOf(kind, body), positions: parsed.positions };
}

/**
 * Most files in a large tree are valid: they are read without positions (computed later only if
 * a rule reports on them), and only the others take the full path, which locates every problem.
 */
function readFile(file: ConfigFile, format: FileFormat, fast: boolean): ParsedFile {
  const read = fast ? readFast(file.content, format) : null;
  if (read) return { value: read.body, positions: lazyPositions(read.text), diagnostics: [] };
  return parseConfigFile(file.path, file.content, format);
}

function resourceOf(e: Entry): ParsedResource[] {
  const body = e.body;
  if (!body) return [];
  return [{ kind: e.kind.id, name: e.name, path: e.path, body, project: typeof body["project"] === "string" ? body["project"] : null }];
}

function deletedResources(input: EngineInput, entries: Entry[]): ResourceRef[] {
  // A whole tree deletes nothing: no need to index its thousands of entries.
  if (input.deleted.length === 0) return [];
  const recreated = new Set(entries.map((e) => `${e.kind.id}\0${e.name}`));
  const out: ResourceRef[] = [];
  const seen = new Set<string>();
  for (const path of input.deleted) {
    const where = locateFile(input.catalog, input.basePath, path);
    if (!where || !where.kind.exported) continue;
    const key = `${where.kind.id}\0${where.name}`;
    if (recreated.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: where.kind.id, name: where.name });
  }
  return out;
}

/** Kind id, then name: each resource of the tenant as it would be, from a file or left as it is. */
type TenantIndex = Map<string, Map<string, Entry | CurrentResource>>;

function resultingTenant(input: EngineInput, entries: Entry[], deleted: ResourceRef[]): TenantIndex {
  const index: TenantIndex = new Map();
  const put = (kind: string, name: string, member: Entry | CurrentResource): void => {
    let names = index.get(kind);
    if (!names) index.set(kind, (names = new Map()));
    names.set(name, member);
  };
  for (const r of input.current) put(r.kind, r.name, r);
  for (const d of deleted) index.get(d.kind)?.delete(d.name);
  for (const e of entries) put(e.kind.id, e.name, e);
  return index;
}

function checkReferences(input: EngineInput, entries: Entry[], index: TenantIndex, out: Diagnostic[]): void {
  const connections = input.connections === null ? null : new Set(input.connections);
  let skipped: { file: string; at: Position } | null = null;
  for (const entry of entries) {
    for (const found of entry.references) {
      const target = input.catalog.byId(found.field.target);
      if (!target) continue;
      if (!target.exported) {
        if (connections === null) skipped ??= { file: entry.path, at: entry.positions.value(found.path) };
        else if (!connections.has(found.value)) {
          out.push(
            diagnostic(
              entry.path,
              entry.positions.value(found.path),
              "missing-reference",
              `${target.id} '${found.value}' named by field '${formatFieldPath(found.path)}' is not in the connections list`,
            ),
          );
        }
      } else if (!index.get(target.id)?.has(found.value)) {
        out.push(
          diagnostic(
            entry.path,
            entry.positions.value(found.path),
            "missing-reference",
            `${target.id} '${found.value}' named by field '${formatFieldPath(found.path)}' does not exist (no ${target.folder}/${found.value}.yaml)`,
          ),
        );
      }
    }
  }
  if (skipped) {
    out.push(
      diagnostic(
        skipped.file,
        skipped.at,
        "references-skipped",
        "connection references were not checked: no connections list was given (--connections file.json)",
        "warning",
      ),
    );
  }
}

/** A resource deleted by the change while an unchanged one still names it. */
function checkDeletedStillReferenced(
  input: EngineInput,
  entries: Entry[],
  deleted: ResourceRef[],
  index: TenantIndex,
  out: Diagnostic[],
): void {
  if (deleted.length === 0) return;
  const gone = new Set(deleted.map((d) => `${d.kind}\0${d.name}`));
  const changed = new Set(entries.map((e) => `${e.kind.id}\0${e.name}`));
  const pathOf = new Map<string, string>();
  for (const path of input.deleted) {
    const where = locateFile(input.catalog, input.basePath, path);
    if (where) pathOf.set(`${where.kind.id}\0${where.name}`, path);
  }
  for (const resource of input.current) {
    const self = `${resource.kind}\0${resource.name}`;
    if (gone.has(self) || changed.has(self)) continue;
    const kind = input.catalog.byId(resource.kind);
    for (const ref of kind?.references ?? []) {
      for (const found of occurrences(resource.body, ref.path)) {
        const key = `${ref.target}\0${String(found.value)}`;
        if (!gone.has(key) || index.get(ref.target)?.has(String(found.value))) continue;
        out.push(
          diagnostic(
            pathOf.get(key) ?? "",
            fileStart(),
            "missing-reference",
            `${ref.target} '${String(found.value)}' is deleted but ${resource.kind} '${resource.name}' still names it in field '${formatFieldPath(found.path)}'`,
          ),
        );
      }
    }
  }
}

/** Cycles through fields that name resources of their own kind (job `dependsOn`). */
function checkCycles(catalog: Catalog, entries: Entry[], index: TenantIndex, out: Diagnostic[]): void {
  for (const kind of catalog.kinds()) {
    if (!kind.references.some((r) => r.target === kind.id)) continue;
    const members = index.get(kind.id);
    if (!members) continue;
    const edges = new Map<string, string[]>();
    for (const [name, member] of members) {
      const references = "references" in member ? member.references : referencesOf(kind, member.body);
      edges.set(name, references.filter((f) => f.field.target === kind.id).map((f) => f.value));
    }
    const inFiles = new Map(entries.filter((e) => e.kind === kind).map((e) => [e.name, e]));
    for (const cycle of findCycles(edges)) {
      // Report on the first job of the cycle that is in the files, at its edge to the next one.
      const at = cycle.findIndex((name, i) => i < cycle.length - 1 && inFiles.has(name));
      if (at === -1) continue;
      const from = cycle.slice(at, -1).concat(cycle.slice(0, at), cycle[at] as string);
      const entry = inFiles.get(from[0] as string) as Entry;
      const next = from[1] as string;
      const hit = entry.references.find((f) => f.field.target === kind.id && f.value === next);
      const position = hit ? entry.positions.value(hit.path) : entry.positions.start();
      out.push(diagnostic(entry.path, position, "dependency-cycle", `${kind.id} dependency cycle: ${from.join(" → ")}`));
    }
  }
}
