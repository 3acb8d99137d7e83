import { execFileSync } from "node:child_process";

/** A person's identity for commits made in end-to-end tests. */
export const ADA = { GIT_AUTHOR_NAME: "Ada", GIT_AUTHOR_EMAIL: "ada@example.com", GIT_COMMITTER_NAME: "Ada", GIT_COMMITTER_EMAIL: "ada@example.com" };

/** Runs the git CLI in `cwd` as Ada would, and returns its trimmed output. */
export function gitAsAda(cwd: string, args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...ADA, GIT_TERMINAL_PROMPT: "0" },
  }).trim();
}
