import { lstat, mkdir, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Run from source (tests, tsx), what the build would have made (the hook module, the kinds'
 * validators) is made on first use and kept for the next process, in a folder of the system's
 * temporary folder that only this user can write: those files are run as code, so another
 * account must not be able to place one there first.
 */
export async function sourceBuildsDir(): Promise<string> {
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `gitsync-builds-${uid}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stat = await lstat(dir);
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o022) !== 0) {
    throw new Error(`${dir} is not a folder of this user's that only it can write: remove it`);
  }
  return dir;
}

/** Writes whole, then renames: other processes may be making and running the same file. */
export async function writeWhole(path: string, text: string): Promise<void> {
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, text, { mode: 0o644 });
  await rename(partial, path);
}
