import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, GitsyncError } from "../../../src/core/index.js";
import type { Actor, FileChange, PushEvent } from "../../../src/core/index.js";
import { createLocalHarness, type LocalHarness } from "./harness.js";

const ADMIN: Actor = { name: "Grace Hopper", email: "grace@example.com" };

describe("local provider: merging pull requests", () => {
  let h: LocalHarness;
  let main: string;
  let pushes: PushEvent[];

  beforeEach(async () => {
    pushes = [];
    h = await createLocalHarness({ onPush: (event) => void pushes.push(event) });
    main = await h.seed({ "models/a.yaml": "name: a\n", "models/b.yaml": "name: b\n" });
  });
  afterEach(() => h.cleanup());

  async function commitTo(branch: string, expectedHead: string, changes: FileChange[], createBranch = false): Promise<string> {
    const { sha } = await h.provider.commit({
      ...h.repo,
      branch,
      expectedHead,
      createBranch,
      message: `change ${branch}`,
      author: ADMIN,
      committer: ADMIN,
      changes,
    });
    if (!sha) throw new Error("expected a commit");
    return sha;
  }

  async function openPull(head: string): Promise<number> {
    const pr = await h.provider.openPullRequest({ ...h.repo, head, base: "main", title: `Merge ${head}`, body: "" });
    return pr.number;
  }

  it("fast-forwards when the base has not moved", async () => {
    const feature = await commitTo("feature", main, [{ action: "upsert", path: "models/c.yaml", content: "name: c\n" }], true);
    const number = await openPull("feature");

    const merged = await h.provider.mergePullRequest(h.repo.repository, number, ADMIN);

    expect(merged).toMatchObject({ number, state: "merged", mergeCommitSha: feature, headSha: feature });
    expect(await h.head("main")).toBe(feature);
    expect(await h.provider.getPullRequest(h.repo, number)).toMatchObject({ state: "merged", mergeCommitSha: feature });
    expect(pushes).toEqual([expect.objectContaining({ kind: "push", provider: "local", branch: "main", before: main, after: feature, repository: "tenant-a" })]);
  });

  it("makes a two-parent merge commit when both sides changed different files", async () => {
    const feature = await commitTo("feature", main, [{ action: "upsert", path: "models/a.yaml", content: "name: a\nrawSql: select 1\n" }], true);
    const moved = await commitTo("main", main, [{ action: "upsert", path: "models/b.yaml", content: "name: b\ntype: table\n" }]);
    const number = await openPull("feature");

    const merged = await h.provider.mergePullRequest(h.repo.repository, number, ADMIN);

    const head = await h.head("main");
    expect(merged.mergeCommitSha).toBe(head);
    const info = await h.commitInfo!(head as string);
    expect(info.parents).toEqual([moved, feature]);
    expect(info.author).toEqual(ADMIN);
    expect(info.message).toContain(`Merge pull request #${number} from feature`);
    expect(await h.snapshot(head as string)).toEqual({
      "models/a.yaml": "name: a\nrawSql: select 1\n",
      "models/b.yaml": "name: b\ntype: table\n",
    });
    expect(pushes.map((p) => [p.before, p.after])).toEqual([[moved, head]]);
  });

  it("refuses a conflicting merge, naming the paths, and changes nothing", async () => {
    await commitTo("feature", main, [{ action: "upsert", path: "models/a.yaml", content: "name: a\ntype: raw_sql\n" }], true);
    const moved = await commitTo("main", main, [{ action: "upsert", path: "models/a.yaml", content: "name: a\ntype: table\n" }]);
    const number = await openPull("feature");

    const error = await h.provider.mergePullRequest(h.repo.repository, number, ADMIN).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitsyncError);
    expect((error as GitsyncError).code).toBe("merge_conflict");
    expect((error as GitsyncError).message).toContain("models/a.yaml");
    expect((error as GitsyncError).details).toMatchObject({ paths: ["models/a.yaml"] });
    expect(await h.head("main")).toBe(moved);
    expect((await h.provider.getPullRequest(h.repo, number)).state).toBe("open");
    expect(pushes).toEqual([]);
  });

  it("refuses to merge a pull request twice", async () => {
    await commitTo("feature", main, [{ action: "delete", path: "models/b.yaml" }], true);
    const number = await openPull("feature");
    await h.provider.mergePullRequest(h.repo.repository, number, ADMIN);
    await expect(h.provider.mergePullRequest(h.repo.repository, number, ADMIN)).rejects.toBeInstanceOf(ConflictError);
  });

  it("reports the new head of an open pull request after a push to its branch", async () => {
    const first = await commitTo("feature", main, [{ action: "upsert", path: "models/c.yaml", content: "name: c\n" }], true);
    const number = await openPull("feature");
    const second = await commitTo("feature", first, [{ action: "upsert", path: "models/c.yaml", content: "name: c\ntype: table\n" }]);
    expect((await h.provider.getPullRequest(h.repo, number)).headSha).toBe(second);
  });
});
