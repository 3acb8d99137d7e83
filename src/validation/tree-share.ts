import { join } from "node:path";
import type { Catalog } from "../catalog/catalog.js";
import type { JsonObject } from "../core/types.js";
import { cleanFile } from "./fast-check.js";
import { locateFile } from "./locate.js";
import { CappedReader } from "./read-capped.js";

export interface ShareResult {
  /** Each file's bytes; null when reading failed (the caller reads it again to report why). */
  contents: (Buffer | null)[];
  /** Each file's body when it is valid on its own; null when it needs the full path. */
  bodies: (JsonObject | null)[];
}

/** Reads a share of a tree's files (`<folder>/<file>` under `dir`) and checks each on the fast path. */
export function checkShare(catalog: Catalog, dir: string, paths: readonly string[]): ShareResult {
  const contents: (Buffer | null)[] = [];
  const bodies: (JsonObject | null)[] = [];
  const reader = new CappedReader();
  for (const path of paths) {
    let content: Buffer | null = null;
    try {
      content = reader.readBytes(join(dir, path));
    } catch {
      // Reported by the caller, which reads the file again in the main thread.
    }
    const where = content && locateFile(catalog, "", path);
    const clean = content && where?.kind.exported ? cleanFile(content, where.format, where.kind, where.name) : null;
    contents.push(content);
    bodies.push(clean ? clean.body : null);
  }
  return { contents, bodies };
}
