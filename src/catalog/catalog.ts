import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { ConfigError } from "../core/errors.js";
import { isCronExpression } from "./cron.js";
import type { Kind, ReferenceField } from "./kind.js";
import { builtinKindsDir } from "./package-root.js";
import { findAnnotated, isSchemaNode, type SchemaNode } from "./schema-walk.js";

const SCHEMA_SUFFIX = ".schema.json";
const KIND_ID = /^[a-z][a-z0-9-]*$/;
const FOLDER = /^[a-z0-9][a-z0-9._-]*$/;

/** The extension keywords kind schemas may use; declared so ajv's strict mode still rejects typos. */
const EXTENSION_KEYWORDS = ["x-gitsync-folder", "x-gitsync-ref", "x-gitsync-secret", "x-gitsync-exported"];

export interface CatalogOptions {
  /** A folder of extra `<kind>.schema.json` files (GITSYNC_SCHEMAS_DIR). */
  extraDir?: string;
}

/**
 * The kinds of resource a tenant can hold: the built-in schemas plus any extra ones. Each schema
 * is compiled once, here; the catalog is immutable afterwards and can be shared by all tenants.
 */
export class Catalog {
  private readonly ids: Map<string, Kind>;
  private readonly folders: Map<string, Kind>;

  private constructor(
    kinds: Kind[],
    /** What it was loaded from, so worker threads can load the same kinds. */
    readonly options: Readonly<CatalogOptions>,
  ) {
    this.ids = new Map(kinds.map((k) => [k.id, k]));
    this.folders = new Map(kinds.map((k) => [k.folder, k]));
  }

  static async load(options: CatalogOptions = {}): Promise<Catalog> {
    const ajv = new Ajv2020({
      allErrors: true,
      verbose: true,
      allowUnionTypes: true,
      // if/then branches legitimately omit `type`; strict keyword checking stays on.
      strictTypes: false,
    });
    ajv.addVocabulary(EXTENSION_KEYWORDS);
    ajv.addFormat("cron", { type: "string", validate: memoized(isCronExpression, 10_000) });

    const files = [...(await schemaFiles(builtinKindsDir(), true))];
    if (options.extraDir !== undefined) files.push(...(await schemaFiles(options.extraDir, false)));

    const kinds: Kind[] = [];
    const ids = new Set<string>();
    const folders = new Set<string>();
    for (const file of files) {
      const kind = await compileKind(ajv, file);
      if (ids.has(kind.id)) throw new ConfigError(`${file}: kind '${kind.id}' is already defined`, { file });
      if (folders.has(kind.folder)) {
        throw new ConfigError(`${file}: folder '${kind.folder}' is already used by another kind`, { file });
      }
      ids.add(kind.id);
      folders.add(kind.folder);
      kinds.push(kind);
    }
    for (const kind of kinds) {
      for (const ref of kind.references) {
        if (!ids.has(ref.target)) {
          throw new ConfigError(
            `${kind.source}: field '${ref.path.join(".")}' refers to unknown kind '${ref.target}'`,
            { file: kind.source },
          );
        }
      }
    }
    return new Catalog(kinds, options.extraDir !== undefined ? { extraDir: options.extraDir } : {});
  }

  kinds(): readonly Kind[] {
    return [...this.ids.values()];
  }

  byId(id: string): Kind | undefined {
    return this.ids.get(id);
  }

  byFolder(folder: string): Kind | undefined {
    return this.folders.get(folder);
  }
}

/**
 * Cron parsing is costly next to the rest of a file's checks and a tenant reuses a handful of
 * expressions, so answers are remembered per catalog (bounded: cleared when full).
 */
function memoized(test: (value: string) => boolean, limit: number): (value: string) => boolean {
  const known = new Map<string, boolean>();
  return (value) => {
    let answer = known.get(value);
    if (answer === undefined) {
      if (known.size >= limit) known.clear();
      answer = test(value);
      known.set(value, answer);
    }
    return answer;
  };
}

async function schemaFiles(dir: string, builtin: boolean): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${builtin ? "built-in" : "extra"} schemas folder ${dir} cannot be read: ${reason}`, { dir });
  }
  return names
    .filter((n) => n.endsWith(SCHEMA_SUFFIX))
    .sort()
    .map((n) => join(dir, n));
}

async function compileKind(ajv: Ajv2020, file: string): Promise<Kind> {
  const fail = (why: string): never => {
    throw new ConfigError(`${file}: ${why}`, { file });
  };
  const id = basename(file).slice(0, -SCHEMA_SUFFIX.length);
  if (!KIND_ID.test(id)) fail(`kind id '${id}' (from the file name) must match ${KIND_ID.source}`);

  let schema: unknown;
  try {
    schema = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    fail(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isSchemaNode(schema)) return fail("a kind schema must be a JSON object");
  const folder = schema["x-gitsync-folder"];
  if (typeof folder !== "string" || !FOLDER.test(folder)) {
    return fail(`'x-gitsync-folder' must be a folder name matching ${FOLDER.source}`);
  }
  const exported = schema["x-gitsync-exported"] ?? true;
  if (typeof exported !== "boolean") return fail("'x-gitsync-exported' must be true or false");

  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    return fail(`invalid schema: ${error instanceof Error ? error.message : String(error)}`);
  }

  const references: ReferenceField[] = [];
  for (const { path, schema: node } of findAnnotated(schema, (s) => s["x-gitsync-ref"] !== undefined)) {
    const target = node["x-gitsync-ref"];
    if (typeof target !== "string") fail(`'x-gitsync-ref' at '${path.join(".")}' must be a kind id`);
    references.push({ path, target: target as string });
  }
  const secrets = findAnnotated(schema, (s) => s["x-gitsync-secret"] === true || s["writeOnly"] === true).map(
    (f) => f.path,
  );
  return { id, folder, exported, schema: schema as SchemaNode, validate, references, secrets, source: file };
}
