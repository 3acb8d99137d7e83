import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The environment of the git processes these tests start themselves: no user or system
 * configuration, and a fixed author and committer, so results do not depend on the machine.
 */
export const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "A",
  GIT_AUTHOR_EMAIL: "a@example.com",
  GIT_COMMITTER_NAME: "A",
  GIT_COMMITTER_EMAIL: "a@example.com",
};

/** A new bare repository in the temporary folder, and a way to run git in it (trimmed stdout). */
export function bareRepository(prefix: string): { dir: string; git: (args: string[], input?: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const git = (args: string[], input?: string) => execFileSync("git", ["--git-dir", dir, ...args], { env: GIT_ENV, input }).toString("utf8").trim();
  git(["init", "--bare", "--quiet"]);
  return { dir, git };
}
