import { realpath } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GitsyncError } from "../../core/index.js";

/**
 * Git keeps a push's objects in a quarantine folder inside the repository's `objects` until
 * pre-receive accepts it. The check reads them through git's own variables, set here from the
 * path the hook sends, once it is proved to be such a folder of this repository.
 */
export async function quarantineEnv(gitDir: string, quarantine: unknown): Promise<Record<string, string>> {
  // A push that brings no new object (an existing commit) has no quarantine.
  if (quarantine === null || quarantine === undefined) return {};
  const bad = new GitsyncError("bad_request", "local push check: 'quarantine' is not this repository's incoming objects folder");
  if (typeof quarantine !== "string" || quarantine === "" || quarantine.includes("\0")) throw bad;
  const objects = await realpath(join(gitDir, "objects"));
  const real = await realpath(quarantine).catch(() => {
    throw bad;
  });
  if (dirname(real) !== objects || !basename(real).startsWith("tmp_objdir-incoming-")) throw bad;
  return { GIT_OBJECT_DIRECTORY: real, GIT_ALTERNATE_OBJECT_DIRECTORIES: objects, GIT_QUARANTINE_PATH: real };
}

/** The `quarantine` field of a verified check request's body. */
export function quarantineOf(rawBody: Buffer): unknown {
  try {
    return (JSON.parse(rawBody.toString("utf8")) as { quarantine?: unknown }).quarantine ?? null;
  } catch {
    throw new GitsyncError("bad_request", "local push check body is not JSON");
  }
}
