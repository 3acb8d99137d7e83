import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import { ConfigError } from "../core/errors.js";
import { kindAjv, type KindFormats } from "./ajv.js";
import { isCronExpression } from "./cron.js";
import type { Kind, ReferenceField } from "./kind.js";
import { builtinKindsDir } from "./package-root.js";
import { loadPrecompiled } from "./precompiled.js";
import { schemaSetStamp } from "./precompiled-stamp.js";
import { readSchemaFiles, schemaFiles } from "./schema-files.js";
import { findAnnotated, isSchemaNode, type SchemaNode } from "./schema-walk.js";

const KIND_ID = /^[a-z][a-z0-9-]*$/;
const FOLDER = /^[a-z0-9][a-z0-9._-]*$/;

export interface CatalogOptions {
  /** A folder of extra `<kind>.schema.json` files (GITSYNC_SCHEMAS_DIR). */
  extraDir?: string;
}

/**
 * The kinds of resource a tenant can hold: the built-in schemas plus any extra ones. Each schema
 * is compiled once, here (or at build time, see precompiled.ts); the catalog is immutable
 * afterwards and can be shared by all tenants.
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
    const formats: KindFormats = { cron: memoized(isCronExpression, 10_000) };
    const builtins = readSchemaFiles(schemaFiles(builtinKindsDir(), true));
    const schemas = [...builtins];
    if (options.extraDir !== undefined) schemas.push(...readSchemaFiles(schemaFiles(options.extraDir, false)));

    // Built-in kinds: their validators generated at build time, if made from these very files.
    // Extra kinds compile here, in one ajv instance of their own: the built-in schemas carry no
    // `$id`, so an extra schema could never refer to one.
    const unreadable = builtins.some((s) => s.text instanceof Error);
    const precompiled = unreadable
      ? null
      : await loadPrecompiled(schemaSetStamp(builtins.map(({ file, text }) => ({ file, text: text as string }))), formats);
    const builtinFiles = new Set(builtins.map((s) => s.file));
    let ajv: Ajv2020 | undefined;
    const compile = async (id: string, file: string, schema: SchemaNode): Promise<ValidateFunction> => {
      const ready = builtinFiles.has(file) ? precompiled?.[id] : undefined;
      if (ready) return ready;
      ajv ??= await kindAjv(formats);
      return ajv.compile(schema);
    };

    const kinds: Kind[] = [];
    const ids = new Set<string>();
    const folders = new Set<string>();
    for (const { id, file, text } of schemas) {
      const kind = await compileKind(compile, id, file, text);
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

async function compileKind(
  compile: (id: string, file: string, schema: SchemaNode) => Promise<ValidateFunction>,
  id: string,
  file: string,
  text: string | Error,
): Promise<Kind> {
  const fail = (why: string): never => {
    throw new ConfigError(`${file}: ${why}`, { file });
  };
  if (!KIND_ID.test(id)) fail(`kind id '${id}' (from the file name) must match ${KIND_ID.source}`);

  let schema: unknown;
  try {
    if (text instanceof Error) throw text;
    schema = JSON.parse(text);
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
    validate = await compile(id, file, schema);
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
  return { id, folder, exported, schema: schema, validate, references, secrets, source: file };
}
