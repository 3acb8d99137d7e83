import { execFile, execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { Actor } from "../../src/core/index.js";

/** A person's git working copy, driven with the real `git` as a user would. */

function envAs(actor: Actor): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_AUTHOR_NAME: actor.name,
    GIT_AUTHOR_EMAIL: actor.email,
    GIT_COMMITTER_NAME: actor.name,
    GIT_COMMITTER_EMAIL: actor.email,
  };
}

/** Runs git in `cwd` as `actor` (author and committer); returns its output, trimmed. */
export function runGit(cwd: string, args: string[], actor: Actor): string {
  return execFileSync("git", args, { cwd, env: envAs(actor) }).toString("utf8").trim();
}

/** Pushes without blocking: a server answering the repository's hook may run in this same process. */
export async function pushAsync(cwd: string, branch: string, actor: Actor): Promise<void> {
  await promisify(execFile)("git", ["push", "-q", "origin", branch], { cwd, env: envAs(actor) });
}

/** New text for a file: the text itself, or an edit of the file's current text. */
export type FileChange = string | ((current: string) => string);

/** Writes the files (paths relative to the working copy, folders made as needed), then commits all changes as `actor`. */
export async function commitFiles(cwd: string, files: Record<string, FileChange>, message: string, actor: Actor): Promise<void> {
  for (const [path, change] of Object.entries(files)) {
    const file = join(cwd, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, typeof change === "string" ? change : change(await readFile(file, "utf8")));
  }
  runGit(cwd, ["add", "-A"], actor);
  runGit(cwd, ["commit", "-qm", message], actor);
}
