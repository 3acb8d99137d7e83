import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SQLITE_FILE } from "../store/index.js";

/**
 * The data folder holds the database, the credential key and the tenants' repositories. A
 * folder gitsync creates is its owner's alone, and so is a database file it creates; a folder
 * that already exists is left as the operator made it, but anything in it other users can
 * read is named in a warning at every start.
 */

const OTHERS_READ = 0o044;
const OTHERS_ENTER = 0o011;
/** Enough to make the point without flooding the log of a folder of many repositories. */
const MAX_NAMED = 20;
/** Where the count stops: an open folder of large repositories is not walked to its end at every start. */
const MAX_COUNTED = 1000;

/** Creates the data folder (0700) or names what other users can read in the existing one. */
export function prepareDataDir(dir: string, warn: (message: string) => void): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The mode given to mkdir is narrowed by the umask, never widened; this makes it exact.
    chmodSync(dir, 0o700);
    return;
  }
  const exposed = readableByOthers(dir);
  for (const path of exposed.slice(0, MAX_NAMED)) {
    warn(`${path} can be read by other users of this machine (mode ${modeOf(path)}): chmod go-rwx it`);
  }
  if (exposed.length > MAX_NAMED) {
    const more = exposed.length - MAX_NAMED;
    warn(`${exposed.length >= MAX_COUNTED ? "at least " : ""}${more} more paths in ${dir} can be read by other users`);
  }
}

const modeOf = (path: string) => (lstatSync(path).mode & 0o777).toString(8).padStart(4, "0");

/**
 * Paths under `dir` (itself included) that another user can actually read: readable by group or
 * others, inside folders those users can enter. A closed folder hides all it holds.
 */
export function readableByOthers(dir: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & OTHERS_READ) !== 0) found.push(path);
    if (!stat.isDirectory() || (stat.mode & OTHERS_ENTER) === 0) return;
    for (const name of readdirSync(path).sort()) {
      if (found.length >= MAX_COUNTED) return;
      visit(join(path, name));
    }
  };
  visit(dir);
  return found;
}

/** Creates the SQLite database file (0600) before SQLite does, which would leave it 0644. */
export function createDatabaseFile(dir: string): void {
  const file = join(dir, SQLITE_FILE);
  if (existsSync(file)) return;
  // An empty file is an empty SQLite database; its WAL and shared-memory files take its mode.
  closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
}
