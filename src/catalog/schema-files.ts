import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { ConfigError } from "../core/errors.js";

export const SCHEMA_SUFFIX = ".schema.json";

// Synchronous: a handful of small files read once at start-up, where each asynchronous call
// cost more than the read itself.

/** The `<kind>.schema.json` files of a folder, sorted by name. */
export function schemaFiles(dir: string, builtin: boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
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
export function readSchemaFiles(files: readonly string[]): { id: string; file: string; text: string | Error }[] {
  return files.map((file) => {
    let text: string | Error;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      text = error instanceof Error ? error : new Error(String(error));
    }
    return { id: basename(file).slice(0, -SCHEMA_SUFFIX.length), file, text };
  });
}
