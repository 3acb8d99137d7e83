import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";

export const LOCK_FILE = "gitsync.lock";

/**
 * One server per SQLite data folder: SQLite's jobs are worked by the one process that owns the
 * folder. The lock file holds the owner's pid; a file left by a process that is gone (killed,
 * crashed) is taken over, so a restart after SIGKILL is never blocked.
 */
export function acquireInstanceLock(dataDir: string): { release(): void } {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      return { release: () => releaseIfOurs(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number(readText(file).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new ConfigError(
        `another gitsync server (pid ${owner}) is using the data folder ${dataDir}: on SQLite only one may run. ` +
          "Stop it, or use PostgreSQL (DATABASE_URL) to run several instances",
        { lockFile: file, pid: owner },
      );
    }
    rmSync(file, { force: true });
  }
  throw new ConfigError(`could not take the data folder's lock file ${file}`, { lockFile: file });
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfOurs(file: string): void {
  if (Number(readText(file).trim()) === process.pid) rmSync(file, { force: true });
}
