import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChangedFile } from "../../src/core/index.js";
import type { ContractHarness, HarnessFactory } from "../contract/harness.js";

/*
 * Behaviour the port promises the same on every adapter (see src/core/git-provider.ts), run by
 * each adapter's own unit test file:
 * - `commit` with `createBranch` and changes that make no difference creates the branch at
 *   the expected head and returns sha null;
 * - `changedFiles` keeps a rename only when both paths are under the path: a rename into it
 *   is "added", out of it "deleted", and one outside both is not listed.
 */

const AUTHOR = { name: "Ada", email: "ada@example.com" };

/** The renames every adapter is asked about, relative to the folder `config`. */
export const RENAMES = [
  { from: "config/a.yaml", to: "config/b.yaml" },
  { from: "outside/c.yaml", to: "config/c.yaml" },
  { from: "config/d.yaml", to: "outside/d.yaml" },
  { from: "other/e.yaml", to: "other/f.yaml" },
] as const;

export const RENAMES_UNDER_CONFIG: ChangedFile[] = [
  { path: "config/b.yaml", status: "renamed", previousPath: "config/a.yaml" },
  { path: "config/c.yaml", status: "added" },
  { path: "config/d.yaml", status: "deleted" },
];

const byPath = (a: ChangedFile, b: ChangedFile) => (a.path < b.path ? -1 : 1);

export function describeUniformBehaviour(name: string, factory: HarnessFactory, renamedUnderConfig: () => Promise<ChangedFile[]>): void {
  describe(`${name}: behaviour held the same on every adapter`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await factory();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it("creates the requested branch at the expected head when the commit makes no difference", async () => {
      const main = await h.seed({ "config/a.yaml": "a: 1\n" });
      h.expect({ op: "commit", branch: "demo/nothing", files: 1, outcome: "empty", createBranch: true });
      h.expect({ op: "createBranch", branch: "demo/nothing", sha: main });
      const result = await h.provider.commit({
        ...h.repo,
        branch: "demo/nothing",
        expectedHead: main,
        createBranch: true,
        message: "nothing new",
        author: AUTHOR,
        committer: AUTHOR,
        changes: [{ action: "upsert", path: "config/a.yaml", content: "a: 1\n" }],
      });
      expect(result.sha).toBeNull();
      expect(await h.head("demo/nothing")).toBe(main);
      expect(await h.head("main")).toBe(main);
    });

    it("reports renames across the path's edge as an add or a delete", async () => {
      expect((await renamedUnderConfig()).sort(byPath)).toEqual(RENAMES_UNDER_CONFIG);
    });
  });
}
