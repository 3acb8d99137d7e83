import { readdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, sep } from "node:path";
import type { Catalog } from "../catalog/catalog.js";
import type { ConfigFile } from "./engine.js";
import { locateFile } from "./locate.js";
import { CappedReader } from "./read-capped.js";
import { checkShare, type ShareResult } from "./tree-share.js";
import { checkShareInWorker } from "./worker-pool.js";

/**
 * The fewest files worth a thread of their own. A worker's start-up (loading the modules and
 * compiling the kind schemas again) costs as much CPU as checking about 5,000 files on the fast
 * path; measured on 2 cores, two threads lost to one on a 10,000-file tree (docs/validation.md).
 */
export const FILES_PER_THREAD = 10_000;

export interface ReadTreeOptions {
  /** Most threads to read and check files with, the calling one included; default: one per core. */
  threads?: number;
  /** Fewest files per thread (default FILES_PER_THREAD); fewer files than two shares: one thread. */
  filesPerThread?: number;
}

/**
 * The config files of a checkout: files directly inside each kind's folder, read up to one byte
 * past the size limit. For a large tree, worker threads (one per core, the calling thread doing
 * its own share) read the files and already check each one on its own (parse, secrets, schema,
 * name); the result carries those checks so `validateTree` only runs the cross-file rules on them.
 */
export async function readConfigTree(dir: string, catalog: Catalog, options: ReadTreeOptions = {}): Promise<ConfigFile[]> {
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

  const threads = Math.min(options.threads ?? availableParallelism(), Math.floor(paths.length / (options.filesPerThread ?? FILES_PER_THREAD)));
  if (threads < 2) {
    // `join` per file normalises the same folder prefix 10,000 times: build it once per folder.
    const folders = new Map<string, string>();
    const reader = new CappedReader();
    return paths.map((path) => {
      const slash = path.indexOf("/");
      const folder = path.slice(0, slash);
      let at = folders.get(folder);
      if (at === undefined) folders.set(folder, (at = join(dir, folder)));
      return { path, content: reader.readText(`${at}${sep}${path.slice(slash + 1)}`) };
    });
  }

  const shares = split(paths, threads);
  const [own, ...others] = shares as [string[], ...string[][]];
  // Workers start first; the calling thread then checks its own share while they run.
  const pending = others.map((share) => checkShareInWorker(catalog, dir, share));
  const results: ShareResult[] = [checkShare(catalog, dir, own)];
  try {
    results.push(...(await Promise.all(pending)));
  } catch {
    // No worker threads here (e.g. a test runner that transforms TypeScript itself): same work, one thread.
    for (const share of others) results.push(checkShare(catalog, dir, share));
  }

  const files: ConfigFile[] = [];
  const reader = new CappedReader();
  shares.forEach((share, s) => {
    const { contents, bodies } = results[s] as ShareResult;
    share.forEach((path, i) => {
      const file: ConfigFile = { path, content: contents[i] ?? reader.readText(join(dir, path)) };
      const body = bodies[i];
      const where = body ? locateFile(catalog, "", path) : null;
      if (body && where) file.checked = { catalog, kind: where.kind.id, name: where.name, body };
      files.push(file);
    });
  });
  return files;
}

/** Contiguous shares of nearly equal size, in order. */
function split<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  for (let p = 0; p < parts; p++) out.push(items.slice(Math.floor((items.length * p) / parts), Math.floor((items.length * (p + 1)) / parts)));
  return out;
}
