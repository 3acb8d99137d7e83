import { readdirSync } from "node:fs";
import { join, sep } from "node:path";
import type { Catalog } from "../catalog/catalog.js";
import type { ConfigFile } from "./engine.js";
import { cleanFile } from "./fast-check.js";
import { referencesOf } from "./fields.js";
import { locateFile } from "./locate.js";
import { CappedReader } from "./read-capped.js";
import { TreeReader } from "./tree-reader.js";

/**
 * The fewest files worth a reader thread: below this, this thread reads them in less time than
 * the thread takes to start (docs/validation-performance.md).
 */
export const READER_THREAD_FILES = 2_000;

export interface ReadTreeOptions {
  /**
   * A reader thread the caller started earlier (used, not closed), or null to read in this
   * thread. Default: a large tree gets one of its own on a machine with two cores or more.
   */
  reader?: TreeReader | null;
  /** The fewest files for which a reader thread is used; default READER_THREAD_FILES. */
  readerFrom?: number;
}

/**
 * The config files of a checkout: files directly inside each kind's folder, read up to one byte
 * past the size limit, each already checked on its own where that needs no positions (parse,
 * secrets, schema, name; see `ConfigFile.checked`), so `validateTree` only runs the cross-file
 * rules on the clean ones. A large tree is read by a second thread while this one checks.
 */
export async function readConfigTree(dir: string, catalog: Catalog, options: ReadTreeOptions = {}): Promise<ConfigFile[]> {
  const paths: string[] = [];
  for (const kind of catalog.kinds()) {
    let entries;
    try {
      // Synchronous: a few folders, where each asynchronous call costs more than the listing.
      entries = readdirSync(join(dir, kind.folder), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") continue;
      throw error;
    }
    for (const entry of entries) if (entry.isFile()) paths.push(`${kind.folder}/${entry.name}`);
  }
  paths.sort();
  // `join` per file would normalise the same folder prefix 10,000 times: build it once per folder.
  const folders = new Map<string, string>();
  const locations = paths.map((path) => {
    const slash = path.indexOf("/");
    const folder = path.slice(0, slash);
    let at = folders.get(folder);
    if (at === undefined) folders.set(folder, (at = join(dir, folder)));
    return `${at}${sep}${path.slice(slash + 1)}`;
  });

  const files: (ConfigFile | undefined)[] = new Array<ConfigFile | undefined>(paths.length);
  const take = (i: number, content: string | Buffer): void => {
    files[i] = checkedFile(catalog, paths[i] as string, content);
  };
  const large = paths.length >= (options.readerFrom ?? READER_THREAD_FILES);
  const own = options.reader === undefined && large ? TreeReader.start() : null;
  const reader = options.reader === undefined ? own : large ? options.reader : null;
  if (reader) {
    try {
      reader.readAll(locations, take);
    } finally {
      own?.close();
    }
  } else {
    const inline = new CappedReader();
    for (let i = 0; i < paths.length; i++) take(i, inline.readText(locations[i] as string));
  }
  return files as ConfigFile[];
}

/** The file, with the verdict of the checks that need no positions when it passes them all. */
function checkedFile(catalog: Catalog, path: string, content: string | Buffer): ConfigFile {
  const where = locateFile(catalog, "", path);
  if (where?.kind.exported) {
    const clean = cleanFile(content, where.format, where.kind, where.name);
    if (clean) {
      return { path, content: clean.text, checked: { catalog, location: where, references: referencesOf(where.kind, clean.body) } };
    }
  }
  return { path, content };
}
