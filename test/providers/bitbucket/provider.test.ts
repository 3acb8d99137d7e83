import nock from "nock";
import { describe, expect, it } from "vitest";
import { COMMENT_MARKER, type CheckAnnotation } from "../../../src/core/index.js";
import { BitbucketProvider } from "../../../src/providers/bitbucket/index.js";
import { useStrictHttpMock } from "../../helpers/http-mock.js";
import { API_ORIGIN, BitbucketHarness } from "../../contract/bitbucket-harness.js";
import { fixture } from "../../contract/bitbucket-model.js";
import { failure } from "../../helpers/gitsync-error.js";

useStrictHttpMock();

const TOKEN = "secret-token-must-not-leak";
const AUTHOR = { name: "Ada Lovelace", email: "ada@example.com" };
const REPO = { repository: "acme/config" };
const BRANCH_PATH = "/2.0/repositories/acme/config/refs/branches/main";

function annotations(n: number): CheckAnnotation[] {
  return Array.from({ length: n }, (_, i) => ({ path: `config/models/m-${i}.yaml`, line: i + 1, column: 1, code: "schema", severity: "error" as const, message: `problem ${i}` }));
}

describe("BitbucketProvider", () => {
  it("commits with the author as 'Name <email>', the message, and the expected head as parent", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed({ "config/models/a.yaml": "name: a\n" });
    h.expect({ op: "commit", branch: "main", files: 2, outcome: "committed" });
    const { sha } = await h.provider.commit({
      ...h.repo,
      branch: "main",
      expectedHead: main,
      message: "Update a\n\nCo-authored-by: Grace <grace@example.com>",
      author: AUTHOR,
      committer: { name: "gitsync", email: "gitsync@example.com" },
      changes: [
        { action: "delete", path: "config/models/a.yaml" },
        // Field names that are also metadata names stay files: multipart parts carry a filename.
        { action: "upsert", path: "message", content: "a file called message\n" },
      ],
    });
    const commit = h.model.commits.get(sha as string);
    expect(commit?.author).toBe("Ada Lovelace <ada@example.com>");
    expect(commit?.message).toBe("Update a\n\nCo-authored-by: Grace <grace@example.com>");
    expect(commit?.parents).toEqual([main]);
    expect(commit?.files).toEqual({ message: Buffer.from("a file called message\n") });
  });

  it("keeps odd path names and content bytes exactly, url-encoded for text and multipart for binary", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed({ "README.md": "x\n" });
    const text = { "config/models/a&b=c+d %.yaml": "windows: line\r\nunix: line\n", "config/models/ü/ß.yaml": "name: ß\n" };
    h.expect({ op: "commit", branch: "main", files: 2, outcome: "committed" });
    const first = await h.provider.commit({
      ...h.repo, branch: "main", expectedHead: main, message: "odd\nnames", author: AUTHOR, committer: AUTHOR,
      changes: Object.entries(text).map(([path, content]) => ({ action: "upsert" as const, path, content })),
    });
    expect(await h.snapshot(first.sha as string)).toEqual({ "README.md": "x\n", ...text });
    expect(h.model.commits.get(first.sha as string)?.message).toBe("odd\nnames");

    h.expect({ op: "commit", branch: "main", files: 1, outcome: "committed" });
    const second = await h.provider.commit({
      ...h.repo, branch: "main", expectedHead: first.sha as string, message: "binary", author: AUTHOR, committer: AUTHOR,
      changes: [{ action: "upsert", path: "config/blob.bin", content: "a\u0000b\r\n" }],
    });
    expect((await h.snapshot(second.sha as string))["config/blob.bin"]).toBe("a\u0000b\r\n");
  });

  it("counts the requests for commits of 10 and 1,000 files and for reading 1,000 files", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed({ "README.md": "x\n" });
    const files = (n: number) => Array.from({ length: n }, (_, i) => ({ action: "upsert" as const, path: `config/models-${n}/g-${i % 10}/m-${i}.yaml`, content: `name: m-${i}\n` }));
    const counts: Record<string, number> = {};
    const commit = async (label: string, n: number, expectedHead: string) => {
      const before = h.requestCount();
      h.expect({ op: "commit", branch: "main", files: n, outcome: "committed" });
      const { sha } = await h.provider.commit({ ...h.repo, branch: "main", expectedHead, message: label, author: AUTHOR, committer: AUTHOR, changes: files(n) });
      counts[label] = h.requestCount() - before;
      return sha as string;
    };
    const small = await commit("commit 10 files", 10, main);
    const large = await commit("commit 1,000 files", 1000, small);
    const before = h.requestCount();
    h.expect({ op: "readFiles", sha: large, path: "config/models-1000" });
    const read = await h.provider.readFiles(h.repo, large, "config/models-1000");
    counts["read 1,000 files"] = h.requestCount() - before;
    console.log("[bitbucket] request counts:", JSON.stringify(counts));

    expect(read).toHaveLength(1000);
    expect(counts["commit 10 files"]).toBe(4);
    expect(counts["commit 1,000 files"]).toBe(4);
    // 1,000 files and 10 folders in listing pages of 100, then one raw read per file.
    expect(counts["read 1,000 files"]).toBe(Math.ceil(1010 / 100) + 1000);
  });

  it("sends annotations in batches of 100 and stops at 1,000 per report, saying so", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed({ "a.yaml": "a\n" });
    const report = { ...h.repo, sha: main, name: "gitsync", title: "Invalid", summary: "Many problems", status: "completed" as const, conclusion: "failure" as const };
    h.expect({ op: "publishCheck", sha: main, annotations: 250, status: "completed" });
    await h.provider.publishCheck({ ...report, annotations: annotations(250) });
    expect(h.model.reports.get(main)?.get("gitsync")?.annotations.size).toBe(250);

    h.expect({ op: "publishCheck", sha: main, annotations: 1200, status: "completed" });
    await h.provider.publishCheck({ ...report, annotations: annotations(1200) });
    const stored = h.model.reports.get(main)?.get("gitsync");
    expect(stored?.annotations.size).toBe(1000);
    expect(String(stored?.body.details)).toContain("200 more findings are not annotated");
    expect(stored?.body.result).toBe("FAILED");
    expect(await h.checks(main)).toEqual([{ name: "gitsync", status: "completed", conclusion: "failure", annotations: 1000 }]);
  });

  it("posts a pull request's check on the full hash with the source branch as refname", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed({ "a.yaml": "a\n" });
    const short = main.slice(0, 12);
    h.expect({ op: "publishCheck", sha: main, annotations: 3, status: "completed", shortSha: true });
    await h.provider.publishCheck({
      ...h.repo,
      sha: short,
      ref: "feature/x",
      pullRequest: 2,
      name: "gitsync",
      title: "Invalid",
      summary: "Three problems",
      status: "completed",
      conclusion: "failure",
      annotations: annotations(3),
    });
    expect(h.model.statuses.get(main)?.get("gitsync")).toMatchObject({ state: "FAILED", refname: "feature/x", url: `https://bitbucket.org/acme/config/commits/${main}` });
    expect(h.model.reports.get(main)?.get("gitsync")?.annotations.size).toBe(3);
    expect([h.model.statuses.has(short), h.model.reports.has(short)]).toEqual([false, false]);
  });

  it("takes a pull request head's full hash from its diffstat, and looks it up when no entry names it", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed({ "a.yaml": "a\n", "b.yaml": "b\n" });
    const edited = h.model.addCommit([main], { "a.yaml": "a2\n", "b.yaml": "b\n" }, "Edit a", "Ada <ada@example.com>");
    const removed = h.model.addCommit([main], { "a.yaml": "a\n" }, "Remove b", "Ada <ada@example.com>");
    const running = (sha: string) => ({ ...h.repo, sha: sha.slice(0, 12), ref: "feature", name: "gitsync", title: "Checking", summary: "", status: "in_progress" as const, annotations: [] });

    h.expect({ op: "changedFiles", base: main, head: edited, path: "" });
    expect(await h.provider.changedFiles(h.repo, main.slice(0, 12), edited.slice(0, 12), "")).toEqual([{ path: "a.yaml", status: "modified" }]);
    h.expect({ op: "publishCheck", sha: edited, annotations: 0, status: "in_progress" });
    await h.provider.publishCheck(running(edited));
    expect(h.model.statuses.get(edited)?.get("gitsync")?.state).toBe("INPROGRESS");

    // A deletion has no new side: nothing names the head in full, so it is looked up.
    h.expect({ op: "changedFiles", base: main, head: removed, path: "" });
    expect(await h.provider.changedFiles(h.repo, main.slice(0, 12), removed.slice(0, 12), "")).toEqual([{ path: "b.yaml", status: "deleted" }]);
    h.expect({ op: "publishCheck", sha: removed, annotations: 0, status: "in_progress", shortSha: true });
    await h.provider.publishCheck(running(removed));
    expect(h.model.statuses.get(removed)?.get("gitsync")?.state).toBe("INPROGRESS");
  });

  it("adds the marker to a comment and cuts it to Bitbucket's limit", async () => {
    const h = new BitbucketHarness();
    await h.seed({ "a.yaml": "a\n" });
    h.model.branches.set("demo/c", h.model.branches.get("main") as string);
    h.model.pulls.set(1, { id: 1, title: "c", description: "", source: "demo/c", destination: "main", state: "OPEN" });
    h.expect({ op: "upsertComment", pullRequest: 1, existing: false });
    await h.provider.upsertComment(h.repo, 1, "x".repeat(40_000));
    const [body] = await h.comments(1);
    expect(body?.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body?.length).toBe(32_000);
    expect(body).toContain("(cut:");
  });

  it("updates a kept comment without listing, and makes one again once it was deleted", async () => {
    const h = new BitbucketHarness();
    await h.seed({ "a.yaml": "a\n" });
    h.model.branches.set("demo/k", h.model.branches.get("main") as string);
    h.model.pulls.set(1, { id: 1, title: "k", description: "", source: "demo/k", destination: "main", state: "OPEN" });
    h.expect({ op: "upsertComment", pullRequest: 1, existing: false, kept: "none" });
    const id = await h.provider.upsertKeptComment(h.repo, 1, "Plan: 1 created", null);
    h.expect({ op: "upsertComment", pullRequest: 1, existing: true, kept: "id" });
    expect(await h.provider.upsertKeptComment(h.repo, 1, "Plan: 2 created", id)).toBe(id);
    expect(await h.comments(1)).toEqual([`${COMMENT_MARKER}\nPlan: 2 created`]);

    // Bitbucket keeps a deleted comment, marked deleted: editing it shows nothing, so one is made again.
    for (const comment of h.model.comments.get(1) ?? []) comment.deleted = true;
    h.expect({ op: "upsertComment", pullRequest: 1, existing: false, kept: "gone" });
    const again = await h.provider.upsertKeptComment(h.repo, 1, "Plan: 3 created", id);
    expect(again).not.toBe(id);
    expect(await h.comments(1)).toEqual([`${COMMENT_MARKER}\nPlan: 3 created`]);
  });

  it("expands the 12-character hashes of a merged pull request to full shas", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed({ "a.yaml": "a\n" });
    h.model.branches.set("demo/m", main);
    const merge = h.model.addCommit([main], { "a.yaml": "a\n" }, "Merge demo/m", "Ada <ada@example.com>");
    h.model.branches.set("main", merge);
    h.model.pulls.set(1, { id: 1, title: "m", description: "", source: "demo/m", destination: "main", state: "MERGED", mergeCommit: merge });
    h.expect({ op: "getPullRequest", number: 1 });
    const pr = await h.provider.getPullRequest(h.repo, 1);
    expect(pr).toMatchObject({ number: 1, state: "merged", head: "demo/m", base: "main", headSha: main, mergeCommitSha: merge });
    expect(pr.url).toBe("https://bitbucket.org/acme/config/pull-requests/1");
  });

  it("maps an HTTP error to a coded error that never holds the token", async () => {
    const provider = new BitbucketProvider({ auth: { token: TOKEN }, webhookSecret: "s" });
    nock(API_ORIGIN).get(BRANCH_PATH).reply(401, { type: "error", error: { message: "Access token expired" } }, { "content-type": "application/json" });
    const error = await failure(provider.resolveRef(REPO, "main"));
    expect(error.code).toBe("unauthorized");
    expect(error.message).toContain("Access token expired");
    expect(`${error.message} ${JSON.stringify(error.details)} ${error.stack}`).not.toContain(TOKEN);
  });

  it("names the field when a response is not the documented shape", async () => {
    const provider = new BitbucketProvider({ auth: { username: "ada", appPassword: TOKEN }, webhookSecret: "s" });
    const branch = fixture("branch");
    delete branch.target.hash;
    nock(API_ORIGIN).get(BRANCH_PATH).reply(200, branch, { "content-type": "application/json" });
    const error = await failure(provider.resolveRef(REPO, "main"));
    expect(error.code).toBe("provider_error");
    expect(error.message).toBe("bitbucket GET branch main: unexpected response: field target.hash: Invalid input: expected string, received undefined");
  });

  it("gives up after the configured retries of a 5xx", async () => {
    const waits: number[] = [];
    const provider = new BitbucketProvider({
      auth: { token: TOKEN },
      webhookSecret: "s",
      retry: { retries: 2, minDelayMs: 10, sleep: async (ms) => void waits.push(ms) },
    });
    nock(API_ORIGIN).get(BRANCH_PATH).times(3).reply(503, { type: "error", error: { message: "Service unavailable" } }, { "content-type": "application/json" });
    const error = await failure(provider.resolveRef(REPO, "main"));
    expect(error.code).toBe("provider_error");
    expect(error.message).toContain("HTTP 503");
    expect(waits).toEqual([10, 20]);
  });

  it("waits as long as Retry-After says on a 429", async () => {
    const waits: number[] = [];
    const provider = new BitbucketProvider({ auth: { token: TOKEN }, webhookSecret: "s", retry: { sleep: async (ms) => void waits.push(ms) } });
    nock(API_ORIGIN).get(BRANCH_PATH).reply(429, { type: "error", error: { message: "Rate limit" } }, { "content-type": "application/json", "retry-after": "7" });
    nock(API_ORIGIN).get(BRANCH_PATH).reply(200, fixture("branch"), { "content-type": "application/json" });
    expect(await provider.resolveRef(REPO, "main")).toBe(fixture("branch").target.hash);
    expect(waits).toEqual([7000]);
  });

  it("refuses a repository that is not workspace/slug", async () => {
    const provider = new BitbucketProvider({ auth: { token: TOKEN }, webhookSecret: "s" });
    expect((await failure(provider.resolveRef({ repository: "just-a-name" }, "main"))).code).toBe("config_error");
  });
});

describe("Bitbucket reads bytes", () => {
  it("returns a file's bytes from src exactly, even when they are not UTF-8", async () => {
    const provider = new BitbucketProvider({ auth: { token: TOKEN }, webhookSecret: "s" });
    const sha = "b".repeat(40);
    const latin1 = Buffer.from("name: caf\xe9\n", "latin1");
    nock(API_ORIGIN).get(`/2.0/repositories/acme/config/src/${sha}/models/cafe.yaml`).reply(200, latin1, { "content-type": "text/plain" });
    expect(await provider.readFiles(REPO, sha, "models", ["models/cafe.yaml"])).toEqual([{ path: "models/cafe.yaml", content: latin1 }]);
  });
});
