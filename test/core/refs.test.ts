import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isValidBranchName } from "../../src/core/index.js";

/** The code must agree with git itself, which is what finally accepts or refuses a branch. */
function gitAccepts(branch: string): boolean {
  return spawnSync("git", ["check-ref-format", `refs/heads/${branch}`]).status === 0;
}

const names = [
  "main",
  "feature/x",
  "acme/2026.11.23.1",
  "gitsync/conflict/acme/3",
  "a.b-c_d",
  "ünïcode",
  "with space",
  "tab\there",
  "a..b",
  "a//b",
  "/lead",
  "trail/",
  "-dash",
  ".dot",
  "end.",
  "x.lock",
  "x.lock/y",
  "a/.hidden",
  "a@{b",
  "@",
  "a~b",
  "a^b",
  "a:b",
  "a?b",
  "a*b",
  "a[b",
  "a\\b",
  "ctl\u0001",
  "del\u007f",
];

describe("isValidBranchName", () => {
  it.each(names)("agrees with git check-ref-format on %j", (name) => {
    // Stricter than the ref format on two points, as `git branch` is: a leading dash would read
    // as an option, and "@" alone means HEAD.
    const expected = gitAccepts(name) && !name.startsWith("-") && name !== "@";
    expect(isValidBranchName(name)).toBe(expected);
  });

  it("refuses the empty name", () => {
    expect(isValidBranchName("")).toBe(false);
  });
});
