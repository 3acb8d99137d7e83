import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BranchMovedError, COMMENT_MARKER, GitsyncError } from "../../src/core/index.js";
import type { Actor, ChangedFile, CommitRequest, FileChange, FileContent } from "../../src/core/index.js";
import type { ContractHarness, HarnessFactory } from "./harness.js";
import { bytesCases } from "./provider-contract-bytes.js";
import { failureCases } from "./provider-contract-failures.js";
import { pagingCases } from "./provider-contract-paging.js";

/**
 * The provider contract: the same cases against every GitProvider. A harness stands for one
 * forge (real bare repositories for local, an in-memory forge behind strict nock for hosted
 * ones). Before each provider operation the suite calls `harness.expect(step)` so a hosted
 * harness registers exactly the requests that operation makes.
 *
 * Entry point (stable): `runProviderContract(name, factory)` inside a test file.
 */

const AUTHOR: Actor = { name: "Ada Lovelace", email: "ada@example.com" };
const COMMITTER: Actor = { name: "gitsync", email: "gitsync@example.com" };

/** Nested folders, a unicode file name and unicode content, files outside the path. */
const SEED: Record<string, string> = {
  "config/models/orders.yaml": "name: orders\nsource: warehouse\ntype: table\ntableName: public.orders\n",
  "config/models/café.yaml": 'name: "ü"\n',
  "config/syncs/nested/deep/orders-to-crm.yaml": "model: orders\ndestination: crm\nschedulePaused: false\n",
  "config/jobs/nightly.yaml": "name: nightly\nproject: core\nenabled: true\n",
  "README.md": "# config\n",
  "other/ignored.yaml": "x: 1\n",
};

/** A file's bytes as a provider must return them: exactly as committed, undecoded. */
function bytes(text: string): Buffer {
  return Buffer.from(text, "utf8");
}

function byPath<T extends { path: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function under(files: Record<string, string>, prefix: string): FileContent[] {
  return byPath(
    Object.entries(files)
      .filter(([path]) => prefix === "" || path.startsWith(`${prefix}/`))
      .map(([path, content]) => ({ path, content: bytes(content) })),
  );
}

/** The file map after applying changes, as a forge must hold it. */
function apply(files: Record<string, string>, changes: FileChange[]): Record<string, string> {
  const next = { ...files };
  for (const change of changes) {
    if (change.action === "delete") delete next[change.path];
    else next[change.path] = change.content;
  }
  return next;
}

function yamlFile(i: number): string {
  return `name: model-${i}\nsource: warehouse\ntype: raw_sql\nrawSql: select ${i} as id\nprimaryKey: id\n`;
}

function manyFiles(count: number, folder: string): FileChange[] {
  return Array.from({ length: count }, (_, i) => ({
    action: "upsert" as const,
    path: `config/${folder}/group-${i % 10}/model-${i}.yaml`,
    content: yamlFile(i),
  }));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the operation to fail, and it succeeded");
}

export function runProviderContract(name: string, factory: HarnessFactory): void {
  describe(`provider contract: ${name}`, async () => {
    // The retry cases only make sense over HTTP; the flag must be known while collecting.
    const probe = await factory();
    const http = probe.http ?? true;
    // A plain git server has no pull requests (the capability says so): those cases do not apply.
    const pulls = probe.provider.capabilities.pullRequests !== false;
    const checkLists = probe.addCheckRuns !== undefined;
    await probe.cleanup();

    let h: ContractHarness;
    let main: string;

    beforeEach(async () => {
      h = await factory();
      main = await h.seed(SEED);
    });
    afterEach(async () => {
      await h.cleanup();
    });

    /** Commits `changes` to `branch` through the provider, announcing the step first. */
    async function commit(
      changes: FileChange[],
      options: Partial<Pick<CommitRequest, "branch" | "expectedHead" | "createBranch" | "message">> & {
        outcome?: "committed" | "empty" | "moved";
        treeRead?: boolean;
      } = {},
    ) {
      const branch = options.branch ?? "main";
      h.expect({
        op: "commit",
        branch,
        files: changes.length,
        outcome: options.outcome ?? "committed",
        ...(options.createBranch ? { createBranch: true } : {}),
        ...(options.expectedHead === "" ? { root: true } : {}),
        ...(options.treeRead ? { treeRead: true } : {}),
      });
      return h.provider.commit({
        ...h.repo,
        branch,
        expectedHead: options.expectedHead ?? main,
        ...(options.createBranch ? { createBranch: true } : {}),
        message: options.message ?? "Update configuration",
        author: AUTHOR,
        committer: COMMITTER,
        changes,
      });
    }

    const CHANGES: FileChange[] = [
      { action: "upsert", path: "config/models/customers.yaml", content: "name: customers\ntype: table\n" },
      { action: "upsert", path: "config/models/orders.yaml", content: "name: orders\nsource: warehouse\ntype: table\ntableName: sales.orders\n" },
      { action: "delete", path: "config/jobs/nightly.yaml" },
      { action: "upsert", path: "config/syncs/nested/deep/naïve-ünïcode.yaml", content: "model: café\n" },
      { action: "upsert", path: "other/ignored.yaml", content: "x: 2\n" },
    ];

    it("resolves a present ref to its sha and an absent one to null", async () => {
      h.expect({ op: "resolveRef", ref: "main", exists: true });
      expect(await h.provider.resolveRef(h.repo, "main")).toBe(main);
      h.expect({ op: "resolveRef", ref: "no-such-branch", exists: false });
      expect(await h.provider.resolveRef(h.repo, "no-such-branch")).toBeNull();
    });

    it("reads all files under a path, nested and unicode paths included", async () => {
      h.expect({ op: "readFiles", sha: main, path: "config" });
      const files = byPath(await h.provider.readFiles(h.repo, main, "config"));
      expect(files).toEqual(under(SEED, "config"));
      expect(files.find((f) => f.path === "config/models/café.yaml")?.content).toEqual(bytes('name: "ü"\n'));
    });

    it("reads the whole repository when the path is empty", async () => {
      h.expect({ op: "readFiles", sha: main, path: "" });
      expect(byPath(await h.provider.readFiles(h.repo, main, ""))).toEqual(under(SEED, ""));
    });

    it("reads only the given paths that exist", async () => {
      const paths = ["config/models/café.yaml", "config/syncs/nested/deep/orders-to-crm.yaml", "config/models/missing.yaml"];
      h.expect({ op: "readFiles", sha: main, path: "config", paths });
      const files = byPath(await h.provider.readFiles(h.repo, main, "config", paths));
      expect(files).toEqual([
        { path: "config/models/café.yaml", content: bytes('name: "ü"\n') },
        { path: "config/syncs/nested/deep/orders-to-crm.yaml", content: bytes(SEED["config/syncs/nested/deep/orders-to-crm.yaml"]!) },
      ]);
    });

    it("writes the first file into a folder that does not exist yet, after looking for it in every format", async () => {
      const paths = ["config/fresh/first.yaml", "config/fresh/first.yml", "config/fresh/first.json"];
      h.expect({ op: "readFiles", sha: main, path: "config", paths });
      expect(await h.provider.readFiles(h.repo, main, "config", paths)).toEqual([]);
      const { sha } = await commit([{ action: "upsert", path: "config/fresh/first.yaml", content: "name: first\n" }], { treeRead: true });
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect((await h.snapshot(sha as string))["config/fresh/first.yaml"]).toBe("name: first\n");
    });

    it("commits adds, updates and deletes atomically and reads them back", async () => {
      const result = await commit(CHANGES, { message: "Update models\n\nCo-authored-by: Grace <grace@example.com>" });
      expect(result.sha).toMatch(/^[0-9a-f]{40,64}$/);
      const sha = result.sha as string;
      expect(await h.head("main")).toBe(sha);

      const expected = apply(SEED, CHANGES);
      expect(await h.snapshot(sha)).toEqual(expected);
      h.expect({ op: "readFiles", sha, path: "config" });
      expect(byPath(await h.provider.readFiles(h.repo, sha, "config"))).toEqual(under(expected, "config"));

      if (h.commitInfo) {
        const info = await h.commitInfo(sha);
        expect(info.author).toEqual(AUTHOR);
        // GitLab and Bitbucket record the token's account as committer; they say so.
        if (h.provider.capabilities.setsCommitter) expect(info.committer).toEqual(COMMITTER);
        expect(info.parents).toEqual([main]);
        expect(info.message.trim()).toBe("Update models\n\nCo-authored-by: Grace <grace@example.com>");
      }
    });

    it("lists the files changed between two commits under a path", async () => {
      const { sha } = await commit(CHANGES);
      h.expect({ op: "changedFiles", base: main, head: sha as string, path: "config" });
      const changed: ChangedFile[] = byPath(await h.provider.changedFiles(h.repo, main, sha as string, "config"));
      expect(changed).toEqual([
        { path: "config/jobs/nightly.yaml", status: "deleted" },
        { path: "config/models/customers.yaml", status: "added" },
        { path: "config/models/orders.yaml", status: "modified" },
        { path: "config/syncs/nested/deep/naïve-ünïcode.yaml", status: "added" },
      ]);
    });

    it("reports a rename inside the path as a rename, into it as an add and out of it as a delete", async () => {
      const moves: FileChange[] = [
        { action: "delete", path: "config/models/orders.yaml" },
        { action: "upsert", path: "config/models/orders-renamed.yaml", content: SEED["config/models/orders.yaml"]! },
        { action: "delete", path: "other/ignored.yaml" },
        { action: "upsert", path: "config/models/imported.yaml", content: SEED["other/ignored.yaml"]! },
        { action: "delete", path: "config/jobs/nightly.yaml" },
        { action: "upsert", path: "other/nightly.yaml", content: SEED["config/jobs/nightly.yaml"]! },
      ];
      const { sha } = await commit(moves);
      h.expect({ op: "changedFiles", base: main, head: sha as string, path: "config" });
      expect(byPath(await h.provider.changedFiles(h.repo, main, sha as string, "config"))).toEqual([
        { path: "config/jobs/nightly.yaml", status: "deleted" },
        { path: "config/models/imported.yaml", status: "added" },
        { path: "config/models/orders-renamed.yaml", status: "renamed", previousPath: "config/models/orders.yaml" },
      ]);
    });

    it("lists only a behind branch's own changes, as its pull request shows them", async () => {
      // The branch is cut from main; then main gains `late.yaml` and loses the nightly job.
      const own: FileChange[] = [{ action: "upsert", path: "config/models/mine.yaml", content: "name: mine\n" }];
      const { sha: branchHead } = await commit(own, { branch: "feature/behind", createBranch: true });
      const { sha: mainHead } = await commit([
        { action: "upsert", path: "config/models/late.yaml", content: "name: late\n" },
        { action: "delete", path: "config/jobs/nightly.yaml" },
      ]);
      h.expect({ op: "changedFiles", base: mainHead as string, head: branchHead as string, path: "config" });
      const changed = await h.provider.changedFiles(h.repo, mainHead as string, branchHead as string, "config");
      expect(changed).toEqual([{ path: "config/models/mine.yaml", status: "added" }]);
    });

    it("lists a behind branch's own changes past the 300 files a GitHub compare lists", async () => {
      const own = manyFiles(320, "mine");
      const { sha: branchHead } = await commit(own, { branch: "feature/large", createBranch: true });
      const { sha: mainHead } = await commit([{ action: "upsert", path: "config/models/late.yaml", content: "name: late\n" }]);
      h.expect({ op: "changedFiles", base: mainHead as string, head: branchHead as string, path: "config" });
      const changed = await h.provider.changedFiles(h.repo, mainHead as string, branchHead as string, "config");
      expect(changed).toHaveLength(320);
      expect(changed.every((c) => c.path.startsWith("config/mine/") && c.status === "added")).toBe(true);
    });

    it("lists and reads the files of a 1,000-file push, a diff longer than a list page", async () => {
      const push = manyFiles(1000, "pushed");
      const { sha } = await commit(push);
      h.expect({ op: "changedFiles", base: main, head: sha as string, path: "config" });
      const changed = await h.provider.changedFiles(h.repo, main, sha as string, "config");
      expect(changed).toHaveLength(1000);
      expect(changed.every((c) => c.status === "added" && c.path.startsWith("config/pushed/"))).toBe(true);
      const paths = changed.map((c) => c.path);
      h.expect({ op: "readFiles", sha: sha as string, path: "config", paths });
      const files = await h.provider.readFiles(h.repo, sha as string, "config", paths);
      expect(files).toHaveLength(1000);
      expect(files.find((f) => f.path === "config/pushed/group-3/model-993.yaml")?.content).toEqual(bytes(yamlFile(993)));
    });

    it("tells whether one commit is an ancestor of another, both ways", async () => {
      const { sha } = await commit(CHANGES);
      h.expect({ op: "isAncestor", ancestor: main, descendant: sha as string });
      expect(await h.provider.isAncestor(h.repo, main, sha as string)).toBe(true);
      h.expect({ op: "isAncestor", ancestor: sha as string, descendant: main });
      expect(await h.provider.isAncestor(h.repo, sha as string, main)).toBe(false);
    });

    it("creates a branch at a commit", async () => {
      h.expect({ op: "createBranch", branch: "feature/x", sha: main });
      await h.provider.createBranch(h.repo, "feature/x", main);
      expect(await h.head("feature/x")).toBe(main);
      h.expect({ op: "resolveRef", ref: "feature/x", exists: true });
      expect(await h.provider.resolveRef(h.repo, "feature/x")).toBe(main);
    });

    it("makes no commit when the changes make no difference", async () => {
      const same: FileChange[] = [{ action: "upsert", path: "config/models/café.yaml", content: 'name: "ü"\n' }];
      const result = await commit(same, { outcome: "empty" });
      expect(result).toEqual({ sha: null });
      expect(await h.head("main")).toBe(main);
    });

    it("creates the requested branch at the expected head when the commit makes no difference", async () => {
      const same: FileChange[] = [{ action: "upsert", path: "config/models/café.yaml", content: 'name: "ü"\n' }];
      const result = await commit(same, { branch: "demo/2024.05.01.9", createBranch: true, outcome: "empty" });
      expect(result).toEqual({ sha: null });
      expect(await h.head("demo/2024.05.01.9")).toBe(main);
      expect(await h.head("main")).toBe(main);
    });

    it("refuses a commit on a stale head with BranchMovedError and leaves the branch alone", async () => {
      const { sha: moved } = await commit(CHANGES);
      const before = await h.snapshot(moved as string);
      const error = await rejection(
        commit([{ action: "upsert", path: "config/models/late.yaml", content: "name: late\n" }], {
          expectedHead: main,
          outcome: "moved",
        }),
      );
      expect(error).toBeInstanceOf(BranchMovedError);
      expect((error as BranchMovedError).code).toBe("branch_moved");
      expect((error as BranchMovedError).branch).toBe("main");
      expect(await h.head("main")).toBe(moved);
      expect(await h.snapshot(moved as string)).toEqual(before);
    });

    it("creates the branch in the commit when asked", async () => {
      const changes: FileChange[] = [{ action: "upsert", path: "config/models/snap.yaml", content: "name: snap\n" }];
      const { sha } = await commit(changes, { branch: "demo/2024.05.01.1", createBranch: true });
      expect(sha).not.toBeNull();
      expect(await h.head("demo/2024.05.01.1")).toBe(sha);
      expect(await h.head("main")).toBe(main);
      expect(await h.snapshot(sha as string)).toEqual(apply(SEED, changes));
      if (h.commitInfo) expect((await h.commitInfo(sha as string)).parents).toEqual([main]);
    });

    /** A root commit of `files` on `branch`, its contents and its place, then a commit on top. */
    async function rootThenNext(branch: string, first: FileChange[]): Promise<void> {
      const { sha } = await commit(first, { branch, expectedHead: "" });
      expect(sha).not.toBeNull();
      expect(await h.head(branch)).toBe(sha);
      expect(await h.snapshot(sha as string)).toEqual(apply({}, first));
      if (h.commitInfo) expect((await h.commitInfo(sha as string)).parents).toEqual([]);
      if (h.commitInfo) expect((await h.commitInfo(sha as string)).author).toEqual(AUTHOR);

      const next: FileChange[] = [{ action: "upsert", path: "config/models/second.yaml", content: "name: second\n" }];
      const second = await commit(next, { branch, expectedHead: sha as string });
      expect(await h.snapshot(second.sha as string)).toEqual(apply(apply({}, first), next));
      if (h.commitInfo) expect((await h.commitInfo(second.sha as string)).parents).toEqual([sha]);
    }

    const FIRST: FileChange[] = [
      { action: "upsert", path: "README.md", content: "# tenant\n" },
      { action: "upsert", path: "config/models/first.yaml", content: "name: first\n" },
    ];

    it("creates the tracked branch of an empty repository with its first commit", async () => {
      await h.emptyRepository();
      await rootThenNext("main", FIRST);
    });

    it("creates the tracked branch of an empty repository from a single file", async () => {
      await h.emptyRepository();
      await rootThenNext("main", FIRST.slice(0, 1));
    });

    it("reads a deleted tracked branch as absent and refuses to commit to it", async () => {
      await h.deleteBranch("main");
      h.expect({ op: "resolveRef", ref: "main", exists: false });
      expect(await h.provider.resolveRef(h.repo, "main")).toBeNull();
      const error = await rejection(commit([{ action: "upsert", path: "config/models/late.yaml", content: "name: late\n" }], { outcome: "moved" }));
      expect(error).toBeInstanceOf(BranchMovedError);
      expect((error as BranchMovedError).branch).toBe("main");
      expect(await h.head("main")).toBeNull();
    });

    it("refuses a root commit when the branch exists meanwhile", async () => {
      const error = await rejection(commit([{ action: "upsert", path: "a.yaml", content: "a: 1\n" }], { expectedHead: "", outcome: "moved" }));
      expect(error).toBeInstanceOf(BranchMovedError);
      expect(await h.head("main")).toBe(main);
    });

    it.skipIf(!pulls)("opens a pull request once, finds it again and reads it", async () => {
      const { sha } = await commit([{ action: "upsert", path: "config/models/pr.yaml", content: "name: pr\n" }], {
        branch: "demo/2024.05.01.2",
        createBranch: true,
      });
      const request = { ...h.repo, head: "demo/2024.05.01.2", base: "main", title: "Sync demo", body: "Changes" };
      h.expect({ op: "openPullRequest", head: request.head, base: "main", existing: false });
      const opened = await h.provider.openPullRequest(request);
      expect(opened).toMatchObject({ head: request.head, base: "main", title: "Sync demo", state: "open", headSha: sha, mergeCommitSha: null });
      expect(opened.number).toBeGreaterThan(0);
      expect(opened.url).not.toBe("");

      h.expect({ op: "openPullRequest", head: request.head, base: "main", existing: true });
      const again = await h.provider.openPullRequest(request);
      expect(again.number).toBe(opened.number);

      h.expect({ op: "getPullRequest", number: opened.number });
      const read = await h.provider.getPullRequest(h.repo, opened.number);
      expect(read).toMatchObject({ number: opened.number, head: request.head, base: "main", state: "open", headSha: sha });
    });

    it("publishes a check in progress, then completed with annotations", async () => {
      const report = { ...h.repo, sha: main, name: "gitsync", title: "Validating", summary: "Validating 4 files", annotations: [] };
      h.expect({ op: "publishCheck", sha: main, annotations: 0, status: "in_progress" });
      const first = await h.provider.publishCheck({ ...report, status: "in_progress" });
      expect(first.id).not.toBe("");

      const annotations = [
        { path: "config/models/orders.yaml", line: 3, column: 7, code: "schema", severity: "error" as const, message: "type must be one of raw_sql, table, dbt_model" },
        { path: "config/models/café.yaml", line: 1, column: 1, code: "name", severity: "error" as const, message: "name must match the file name" },
        { path: "config/jobs/nightly.yaml", line: 2, column: 10, code: "ref", severity: "warning" as const, message: "project core is empty" },
      ];
      h.expect({ op: "publishCheck", sha: main, annotations: annotations.length, status: "completed" });
      const second = await h.provider.publishCheck({ ...report, status: "completed", conclusion: "failure", title: "2 errors", annotations });
      expect(second.id).not.toBe("");

      if (h.checks) {
        const checks = (await h.checks(main)).filter((c) => c.name === "gitsync");
        expect(checks).toEqual([{ name: "gitsync", status: "completed", conclusion: "failure", annotations: 3 }]);
      }
    });

    it.skipIf(!pulls)("keeps one gitsync comment on a pull request, updated in place", async () => {
      await commit([{ action: "upsert", path: "config/models/c.yaml", content: "name: c\n" }], { branch: "demo/c", createBranch: true });
      h.expect({ op: "openPullRequest", head: "demo/c", base: "main", existing: false });
      const pr = await h.provider.openPullRequest({ ...h.repo, head: "demo/c", base: "main", title: "c", body: "" });

      h.expect({ op: "upsertComment", pullRequest: pr.number, existing: false });
      await h.provider.upsertComment(h.repo, pr.number, `${COMMENT_MARKER}\nPlan: 1 created`);
      h.expect({ op: "upsertComment", pullRequest: pr.number, existing: true });
      await h.provider.upsertComment(h.repo, pr.number, `${COMMENT_MARKER}\nPlan: 2 created`);

      if (h.comments) {
        const bodies = await h.comments(pr.number);
        expect(bodies).toHaveLength(1);
        expect(bodies[0]).toContain("Plan: 2 created");
        expect(bodies[0]).toContain(COMMENT_MARKER);
      }
    });

    it.skipIf(!http)("finds its comment past the first page of a long conversation, on every list page", async () => {
      await commit([{ action: "upsert", path: "config/models/l.yaml", content: "name: l\n" }], { branch: "demo/long", createBranch: true });
      h.expect({ op: "openPullRequest", head: "demo/long", base: "main", existing: false });
      const pr = await h.provider.openPullRequest({ ...h.repo, head: "demo/long", base: "main", title: "long", body: "" });
      if (!h.addComments || !h.comments) throw new Error("a hosted harness adds and reads comments");
      await h.addComments(pr.number, Array.from({ length: 150 }, (_, i) => `review remark ${i}`));

      h.expect({ op: "upsertComment", pullRequest: pr.number, existing: false });
      await h.provider.upsertComment(h.repo, pr.number, `${COMMENT_MARKER}\nPlan: 1 created`);
      h.expect({ op: "upsertComment", pullRequest: pr.number, existing: true });
      await h.provider.upsertComment(h.repo, pr.number, `${COMMENT_MARKER}\nPlan: 2 created`);
      const ours = await h.comments(pr.number);
      expect(ours).toHaveLength(1);
      expect(ours[0]).toContain("Plan: 2 created");
    });

    it("normalises a correctly signed push webhook into a PushEvent", async () => {
      const { sha } = await commit(CHANGES);
      const request = h.pushWebhook({ branch: "main", before: main, after: sha as string, validSignature: true });
      const event = await h.provider.parseWebhook(request);
      expect(event).toMatchObject({
        kind: "push",
        provider: h.provider.name,
        repository: h.repo.repository,
        branch: "main",
        before: main,
        after: sha,
        forced: false,
      });
      expect(event?.deliveryId).toMatch(/\S/);
    });

    it("rejects a push webhook with a bad signature and does nothing", async () => {
      const { sha } = await commit(CHANGES);
      const calls = h.requestCount();
      const request = h.pushWebhook({ branch: "main", before: main, after: sha as string, validSignature: false });
      const error = await rejection(h.provider.parseWebhook(request));
      expect(error).toBeInstanceOf(GitsyncError);
      expect((error as GitsyncError).code).toBe("bad_signature");
      expect(h.requestCount()).toBe(calls);
      expect(await h.head("main")).toBe(sha);
    });

    it.skipIf(!http)("retries a transient 502 and the operation succeeds", async () => {
      h.expect({ op: "transientFailure", status: 502 });
      h.expect({ op: "resolveRef", ref: "main", exists: true });
      expect(await h.provider.resolveRef(h.repo, "main")).toBe(main);
    });

    it.skipIf(!http)("waits out a 429 with Retry-After and the operation succeeds", async () => {
      const waited = h.retryWaits?.length ?? 0;
      h.expect({ op: "transientFailure", status: 429, retryAfterSeconds: 1 });
      h.expect({ op: "readFiles", sha: main, path: "config" });
      expect(byPath(await h.provider.readFiles(h.repo, main, "config"))).toEqual(under(SEED, "config"));
      // The one wait is the server's second, not the backoff (where the harness records waits).
      if (h.retryWaits) expect(h.retryWaits.slice(waited)).toEqual([1000]);
    });

    bytesCases(() => h);

    if (http) failureCases(() => h, () => main);
    pagingCases(() => h, () => main, commit, { http, pulls, checkLists });

    it("commits 1,000 files with as many requests as 10 files", async () => {
      const small = manyFiles(10, "small");
      const before = h.requestCount();
      const first = await commit(small);
      const smallCalls = h.requestCount() - before;

      const large = manyFiles(1000, "large");
      const middle = h.requestCount();
      const second = await commit(large, { expectedHead: first.sha as string });
      const largeCalls = h.requestCount() - middle;

      console.log(`[${name}] requests per commit: 10 files → ${smallCalls}, 1,000 files → ${largeCalls}`);
      expect(largeCalls).toBe(smallCalls);
      const files = await h.snapshot(second.sha as string);
      expect(Object.keys(files).filter((p) => p.startsWith("config/large/"))).toHaveLength(1000);
      expect(files["config/large/group-7/model-997.yaml"]).toBe(yamlFile(997));
    });
  });
}
