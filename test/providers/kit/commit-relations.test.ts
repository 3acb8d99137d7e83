import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommitRelations, GitRunner, type GitResult, type GitRunOptions } from "../../../src/providers/kit/index.js";
import { bareRepository, GIT_ENV } from "./git-env.js";

/**
 * Ancestry answered from one merge base per pair of commits, on a real repository:
 *
 *   root ── a ── b        (main)
 *            └── c        (side)
 *   lone                  (unrelated)
 */

/** Counts the git processes the relations start. */
class CountingRunner extends GitRunner {
  runs: string[][] = [];
  override run(args: string[], options?: GitRunOptions): Promise<GitResult> {
    this.runs.push(args);
    return super.run(args, options);
  }
}

describe("CommitRelations", () => {
  const { dir, git } = bareRepository("gitsync-relations-");
  const c: Record<string, string> = {};

  beforeAll(() => {
    const tree = git(["mktree"], "");
    const commit = (message: string, parent?: string) => git(["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", message]);
    c.root = commit("root");
    c.a = commit("a", c.root);
    c.b = commit("b", c.a);
    c.side = commit("c", c.a);
    c.lone = commit("lone");
    git(["update-ref", "refs/heads/main", c.b]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("answers both directions and the fork point of a pair from one git process", async () => {
    const runner = new CountingRunner(dir);
    const relations = new CommitRelations(runner);

    expect(await relations.isAncestor(c.b!, c.root!)).toBe(false);
    expect(await relations.isAncestor(c.root!, c.b!)).toBe(true);
    expect(await relations.mergeBase(c.b!, c.root!)).toBe(c.root);
    expect(runner.runs).toHaveLength(1);
  });

  it("gives the same answers as git's own ancestry test, forks and unrelated histories included", async () => {
    const relations = new CommitRelations(new GitRunner(dir));
    const ids = Object.values(c);
    for (const x of ids) {
      for (const y of ids) {
        const gitSays = spawnSync("git", ["--git-dir", dir, "merge-base", "--is-ancestor", x, y], { env: GIT_ENV }).status === 0;
        expect(await relations.isAncestor(x, y), `${x} before ${y}`).toBe(gitSays);
      }
    }
    expect(await relations.mergeBase(c.b!, c.side!)).toBe(c.a);
    expect(await relations.mergeBase(c.b!, c.lone!)).toBeNull();
  });

  it("asks git every time for a branch name, whose answer changes when the branch moves", async () => {
    const runner = new CountingRunner(dir);
    const relations = new CommitRelations(runner);

    expect(await relations.isAncestor(c.side!, "main")).toBe(false);
    git(["update-ref", "refs/heads/main", c.side!]);
    expect(await relations.isAncestor(c.side!, "main")).toBe(true);
    git(["update-ref", "refs/heads/main", c.b!]);
    expect(runner.runs).toHaveLength(2);
  });

  it("asks again after a failure: the commit may have arrived since", async () => {
    const runner = new CountingRunner(dir);
    const relations = new CommitRelations(runner);
    const missing = "1".repeat(40);

    await expect(relations.isAncestor(missing, c.b!)).rejects.toThrow(/merge-base failed/);
    await expect(relations.isAncestor(missing, c.b!)).rejects.toThrow(/merge-base failed/);
    expect(runner.runs).toHaveLength(2);
  });

  it("forgets the oldest pairs beyond its capacity", async () => {
    const runner = new CountingRunner(dir);
    const relations = new CommitRelations(runner, 2);

    await relations.isAncestor(c.root!, c.a!);
    await relations.isAncestor(c.root!, c.b!);
    await relations.isAncestor(c.a!, c.b!);
    await relations.isAncestor(c.a!, c.b!);
    await relations.isAncestor(c.root!, c.a!);
    expect(runner.runs).toHaveLength(4);
  });
});
