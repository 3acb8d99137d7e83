import nock from "nock";
import { describe, expect, it } from "vitest";
import { BranchMovedError, GitsyncError, type FileChange } from "../../../src/core/index.js";
import { GitHubProvider, truncateSummary } from "../../../src/providers/github/index.js";
import { mapPullRequest } from "../../../src/providers/github/mappers.js";
import errors from "../../../fixtures/github/api/errors.json" with { type: "json" };
import blobCreated from "../../../fixtures/github/api/git-blob-created.json" with { type: "json" };
import { createTestOctokit, GitHubHarness } from "../../contract/github-harness.js";
import { useStrictHttpMock } from "../../helpers/http-mock.js";

useStrictHttpMock();

const AUTHOR = { name: "Ada", email: "ada@example.com" };
const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

function files(count: number, folder: string): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${folder}/g${i % 10}/m-${i}.yaml`, `name: m-${i}\n`]));
}

function upserts(count: number, folder: string): FileChange[] {
  return Object.entries(files(count, folder)).map(([path, content]) => ({ action: "upsert" as const, path, content }));
}

async function setup(seed: Record<string, string> = { "config/a.yaml": "a: 1\n" }) {
  const h = new GitHubHarness();
  const main = await h.seed(seed);
  return { h, main, p: h.provider };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
}

describe("GitHubProvider request counts", () => {
  it("commits 10 and 1,000 files in 5 requests each and reads 1,000 files in 2", async () => {
    const { h, main, p } = await setup();
    const counts: Record<string, number> = {};
    let head = main;
    for (const n of [10, 1000]) {
      const before = h.requestCount();
      h.expect({ op: "commit", branch: "main", files: n, outcome: "committed" });
      const { sha } = await p.commit({ ...h.repo, branch: "main", expectedHead: head, message: `${n}`, author: AUTHOR, committer: AUTHOR, changes: upserts(n, `config/c${n}`) });
      head = sha as string;
      counts[`commit ${n}`] = h.requestCount() - before;
    }
    const before = h.requestCount();
    h.expect({ op: "readFiles", sha: head, path: "config/c1000" });
    const read = await p.readFiles(h.repo, head, "config/c1000");
    counts["read 1000"] = h.requestCount() - before;
    console.log(`[github] requests: ${JSON.stringify(counts)}`);
    expect(read).toHaveLength(1000);
    expect(counts).toEqual({ "commit 10": 5, "commit 1000": 5, "read 1000": 2 });
  });
});

describe("GitHubProvider beyond the contract", () => {
  it("falls back to comparing trees when compare lists 300 files", async () => {
    const { h, main, p } = await setup({ ...files(350, "config/old"), "keep.txt": "k\n" });
    h.expect({ op: "commit", branch: "main", files: 351, outcome: "committed" });
    const changes: FileChange[] = [
      ...Object.keys(files(350, "config/old")).map((path) => ({ action: "delete" as const, path })),
      { action: "upsert", path: "config/new.yaml", content: "n: 1\n" },
    ];
    const { sha } = await p.commit({ ...h.repo, branch: "main", expectedHead: main, message: "m", author: AUTHOR, committer: AUTHOR, changes });
    const before = h.requestCount();
    h.expect({ op: "changedFiles", base: main, head: sha as string, path: "config" });
    const changed = await p.changedFiles(h.repo, main, sha as string, "config");
    expect(h.requestCount() - before).toBe(3);
    expect(changed).toHaveLength(351);
    expect(changed.filter((c) => c.status === "deleted")).toHaveLength(350);
    expect(changed.find((c) => c.path === "config/new.yaml")).toEqual({ path: "config/new.yaml", status: "added" });
  });

  it("sends 50 annotations per request and finishes on the last one", async () => {
    const { h, main, p } = await setup();
    const annotations = Array.from({ length: 120 }, (_, i) => ({ path: "config/a.yaml", line: i + 1, column: 1, code: "schema", severity: "error" as const, message: `problem ${i}` }));
    const before = h.requestCount();
    h.expect({ op: "publishCheck", sha: main, annotations: 120, status: "completed" });
    await p.publishCheck({ ...h.repo, sha: main, name: "gitsync", status: "completed", conclusion: "failure", title: "120 errors", summary: "x".repeat(70_000), annotations });
    // list + create (50) + update (50) + update (20, completed)
    expect(h.requestCount() - before).toBe(4);
    const [run] = h.forge.checkRuns;
    expect(run?.annotations).toHaveLength(120);
    expect(run?.status).toBe("completed");
    expect(run?.conclusion).toBe("failure");
    expect(run?.summary?.length).toBe(65_535);
    expect(run?.summary).toMatch(/truncated: \d+ more characters not shown\.$/);
  });

  it("cuts a summary to exactly the limit with a visible note, and leaves short ones alone", () => {
    expect(truncateSummary("short")).toBe("short");
    const cut = truncateSummary("y".repeat(100_000));
    expect(cut).toHaveLength(65_535);
    const omitted = Number(/truncated: (\d+) more/.exec(cut)?.[1]);
    expect(cut.indexOf("\n\n…")).toBe(100_000 - omitted);
  });

  it("uploads a blob only for a file that cannot go inline", async () => {
    const h = new GitHubHarness();
    const main = await h.seed({ "a.txt": "a\n" });
    const octokit = createTestOctokit();
    const p = new GitHubProvider({ webhookSecret: "s", inlineContentLimit: 100, octokitFor: async () => octokit });
    nock("https://api.github.com")
      .post("/repos/acme/config/git/blobs")
      .reply(201, (_uri, body) => {
        const b = body as { content: string; encoding: string };
        const sha = h.forge.putBlob(Buffer.from(b.content, "base64"));
        return { ...blobCreated, sha, url: `https://api.github.com/repos/acme/config/git/blobs/${sha}` };
      });
    h.expect({ op: "commit", branch: "main", files: 2, outcome: "committed" });
    const big = "z".repeat(200);
    const { sha } = await p.commit({
      ...h.repo, branch: "main", expectedHead: main, message: "m", author: AUTHOR, committer: AUTHOR,
      changes: [{ action: "upsert", path: "big.txt", content: big }, { action: "upsert", path: "small.txt", content: "s\n" }],
    });
    expect(h.forge.snapshot(sha as string)).toEqual({ "a.txt": "a\n", "big.txt": big, "small.txt": "s\n" });
  });

  it("turns a 422 'not a fast forward' into BranchMovedError naming the new head", async () => {
    const { h, main, p } = await setup();
    // Someone pushes between our read of the ref and our update of it.
    const other = h.forge.putCommit({ tree: h.forge.commits.get(main)?.tree ?? "", parents: [main], message: "theirs", author: AUTHOR, committer: AUTHOR });
    h.expect({ op: "commit", branch: "main", files: 1, outcome: "committed" });
    const racing = nock("https://api.github.com").get("/repos/acme/config/git/ref/heads%2Fmain").reply(200, () => h.replies.gitRef("main", other.sha), JSON_TYPE);
    const putCommit = h.forge.putCommit.bind(h.forge);
    h.forge.putCommit = (input) => {
      const made = putCommit(input);
      h.forge.branches.set("main", other.sha);
      return made;
    };
    const error = await failure(
      p.commit({ ...h.repo, branch: "main", expectedHead: main, message: "m", author: AUTHOR, committer: AUTHOR, changes: [{ action: "upsert", path: "config/b.yaml", content: "b\n" }] }),
    );
    expect(racing.isDone()).toBe(true);
    expect(error).toBeInstanceOf(BranchMovedError);
    expect((error as BranchMovedError).actual).toBe(other.sha);
  });

  it("keeps tokens out of errors and maps statuses to codes", async () => {
    const { h, p } = await setup();
    nock("https://api.github.com").get("/repos/acme/config/git/ref/heads%2Fmain").reply(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    const error = await failure(p.commit({ ...h.repo, branch: "main", expectedHead: "a".repeat(40), message: "m", author: AUTHOR, committer: AUTHOR, changes: [] }));
    expect(error).toBeInstanceOf(GitsyncError);
    expect((error as GitsyncError).code).toBe("unauthorized");
    expect((error as GitsyncError).message).toContain("Bad credentials");
    expect(JSON.stringify({ m: (error as Error).message, d: (error as GitsyncError).details, s: (error as Error).stack })).not.toContain("ghs_");
  });

  it("names the field when a response is not the expected shape", () => {
    expect(() => mapPullRequest({ number: 1, state: "open", head: { ref: "x" }, base: { ref: "main" } })).toThrow(/^GitHub pull request: field html_url: Invalid input: expected string, received undefined$/);
    expect(() => mapPullRequest({ number: 1, html_url: "u", title: "t", state: "open", head: { ref: "x", sha: 5 }, base: { ref: "main" } })).toThrow(/^GitHub pull request: field head\.sha: Invalid input: expected string, received number$/);
    expect(() => mapPullRequest([])).toThrow(GitsyncError);
  });

  it("talks to a GitHub Enterprise Server base URL", async () => {
    const octokit = createTestOctokit("https://ghe.example.test/api/v3");
    const p = new GitHubProvider({ webhookSecret: "s", octokitFor: async () => octokit });
    nock("https://ghe.example.test").get("/api/v3/repos/acme/config/commits/main").reply(200, "b".repeat(40), { "content-type": "application/vnd.github.sha; charset=utf-8" });
    nock("https://ghe.example.test").get("/api/v3/repos/acme/config/commits/gone").reply(422, errors.noCommitForRef, JSON_TYPE);
    expect(await p.resolveRef({ repository: "acme/config" }, "main")).toBe("b".repeat(40));
    expect(await p.resolveRef({ repository: "acme/config" }, "gone")).toBeNull();
  });

  it("rejects a repository that is not owner/name", async () => {
    const p = new GitHubProvider({ webhookSecret: "s", octokitFor: async () => createTestOctokit() });
    const error = await failure(p.resolveRef({ repository: "just-a-name" }, "main"));
    expect((error as GitsyncError).code).toBe("config_error");
  });
});
