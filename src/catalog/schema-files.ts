import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { ConfigError } from "../core/errors.js";

export const SCHEMA_SUFFIX = ".schema.json";

/** The `<kind>.schema.json` files of a folder, sorted by name. */
export async function schemaFiles(dir: string, builtin: boolean): Promise<string[]> {
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

/** Each file's kind id and text, or the error reading it (reported when that file's turn comes). */
export async function readSchemaFiles(files: readonly string[]): Promise<{ id: string; file: string; text: string | Error }[]> {
  return Promise.all(
    files.map(async (file) => ({
      id: basename(file).slice(0, -SCHEMA_SUFFIX.length),
      file,
      text: await readFile(file, "utf8").catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    })),
  );
}
