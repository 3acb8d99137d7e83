import { readdirSync } from "node:fs";
import { join, sep } from "node:path";
import type { Catalog } from "../catalog/catalog.js";
import type { ConfigFile } from "./engine.js";
import { CappedReader } from "./read-capped.js";

/**
 * The config files of a checkout: files directly inside each kind's folder, read up to one byte
 * past the size limit (enough for validation to reject a file that is too large). Synchronous:
 * for a tree of small files each asynchronous read is a thread-pool round trip that costs more
 * than the read itself.
 */
export function readConfigTree(dir: string, catalog: Catalog): ConfigFile[] {
  const files: ConfigFile[] = [];
  const reader = new CappedReader();
  for (const kind of catalog.kinds()) {
    const folder = join(dir, kind.folder);
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") continue;
      throw error;
    }
    for (const entry of entries) {
      if (entry.isFile()) files.push({ path: `${kind.folder}/${entry.name}`, content: reader.readText(`${folder}${sep}${entry.name}`) });
    }
  }
  return files;
}
