import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Catalog } from "../catalog/catalog.js";
import type { ConfigFile } from "./engine.js";
import { MAX_FILE_BYTES } from "./parse.js";

const CONCURRENCY = 32;

/**
 * The config files of a checkout: files directly inside each kind's folder. Reads run with
 * bounded concurrency so I/O overlaps without exhausting file descriptors; an oversized file is
 * read only up to one byte past the limit, enough for validation to reject it.
 */
export async function readConfigTree(dir: string, catalog: Catalog): Promise<ConfigFile[]> {
  const paths: string[] = [];
  for (const kind of catalog.kinds()) {
    let entries;
    try {
      entries = await readdir(join(dir, kind.folder), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") continue;
      throw error;
    }
    for (const entry of entries) if (entry.isFile()) paths.push(`${kind.folder}/${entry.name}`);
  }
  paths.sort();

  const files: ConfigFile[] = new Array<ConfigFile>(paths.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const i = next++;
      const path = paths[i] as string;
      files[i] = { path, content: await readCapped(join(dir, path)) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, paths.length) }, worker));
  return files;
}

async function readCapped(file: string): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_FILE_BYTES + 1);
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read === length ? buffer : buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}
