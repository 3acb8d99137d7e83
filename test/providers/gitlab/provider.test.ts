import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { BranchMovedError, GitsyncError, type CheckAnnotation } from "../../../src/core/index.js";
import { GitLabHttpError, GitLabProvider, retryAfterMs } from "../../../src/providers/gitlab/index.js";
import { GitLabHarness } from "../../contract/gitlab-harness.js";
import { offTheDescription, useStrictHttpMock } from "../../helpers/http-mock.js";

useStrictHttpMock();

const HOST = "https://gitlab.self-managed.test";
const TOKEN = "glpat-never-in-errors";
const API = "/api/v4/projects/acme%2Fconfig";
const SHA = "a".repeat(40);
const JSON_HEADERS = { "Content-Type": "application/json" };

function provider(sleep = vi.fn(async (_ms: number) => {})) {
  return { sleep, gitlab: new GitLabProvider({ host: `${HOST}/`, token: TOKEN, webhookSecret: "w", retry: { sleep, retries: 2, baseDelayMs: 100 } }) };
}

function commitBody(id: string, parents: string[]) {
  return { id, short_id: id.slice(0, 11), title: "t", message: "t", parent_ids: parents, author_name: "Ada", author_email: "ada@example.com" };
}

describe("GitLab requester", () => {
  it("uses the self-managed host and sends the token only as PRIVATE-TOKEN", async () => {
    const { gitlab } = provider();
    nock(HOST, { reqheaders: { "private-token": TOKEN } }).get(`${API}/repository/commits/main`).reply(200, commitBody(SHA, []), JSON_HEADERS);
    expect(await gitlab.resolveRef({ repository: "acme/config" }, "main")).toBe(SHA);
  });

  it("waits what Retry-After says on 429 (seconds and HTTP date)", async () => {
    const { gitlab, sleep } = provider();
    nock(HOST).get(`${API}/repository/commits/main`).reply(429, { message: "429 Too Many Requests" }, { ...JSON_HEADERS, "Retry-After": "7" });
    nock(HOST).get(`${API}/repository/commits/main`).reply(200, commitBody(SHA, []), JSON_HEADERS);
    expect(await gitlab.resolveRef({ repository: "acme/config" }, "main")).toBe(SHA);
    expect(sleep.mock.calls).toEqual([[7000]]);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:05 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(5000);
    expect(retryAfterMs("soon")).toBeNull();
  });

  it("backs off exponentially on gateway errors, also for a POST", async () => {
    const { gitlab, sleep } = provider();
    const scope = nock(HOST);
    scope.post(`${API}/repository/branches`).reply(503, "Service Unavailable", { "Content-Type": "text/plain" });
    scope.post(`${API}/repository/branches`).reply(504, "Gateway Timeout", { "Content-Type": "text/plain" });
    scope.post(`${API}/repository/branches`).reply(201, { name: "x", commit: commitBody(SHA, []) }, JSON_HEADERS);
    await gitlab.createBranch({ repository: "acme/config" }, "x", SHA);
    expect(sleep.mock.calls).toEqual([[100], [200]]);
  });

  it("does not retry a POST that failed with 500 (it may have been applied)", async () => {
    const { gitlab, sleep } = provider();
    nock(HOST).post(`${API}/repository/branches`).reply(500, { message: "500 Internal Server Error" }, JSON_HEADERS);
    await expect(gitlab.createBranch({ repository: "acme/config" }, "x", SHA)).rejects.toBeInstanceOf(GitLabHttpError);
    expect(sleep).not.toHaveBeenCalled();
  });

  it("gives up after the configured retries with an error that holds no token", async () => {
    const { gitlab, sleep } = provider();
    for (let i = 0; i < 3; i += 1) nock(HOST).get(`${API}/repository/commits/main`).reply(502, { message: "502 Bad Gateway" }, JSON_HEADERS);
    const error = await gitlab.resolveRef({ repository: "acme/config" }, "main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitLabHttpError);
    expect((error as GitLabHttpError).status).toBe(502);
    expect((error as GitLabHttpError).code).toBe("provider_error");
    expect(sleep).toHaveBeenCalledTimes(2);
    const everything = `${String(error)} ${(error as Error).stack ?? ""} ${JSON.stringify(error)} ${JSON.stringify((error as GitLabHttpError).details)}`;
    expect(everything).not.toContain(TOKEN);
    expect((error as Error).cause).toBeUndefined();
  });

  it("names the field when a response is not the documented shape", async () => {
    const { gitlab } = provider();
    offTheDescription(nock(HOST).get(`${API}/repository/commits/main`)).reply(200, { sha: SHA }, JSON_HEADERS);
    const error = await gitlab.resolveRef({ repository: "acme/config" }, "main").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitsyncError);
    expect((error as GitsyncError).code).toBe("provider_error");
    expect((error as GitsyncError).message).toBe("GitLab commit: field id: Invalid input: expected string, received undefined");
  });
});

describe("GitLab commit lock", () => {
  function stage(h: GitLabHarness, main: string, post: () => nock.Interceptor) {
    h.expect({ op: "commit", branch: "main", files: 1, outcome: "moved" });
    h.expect({ op: "readFiles", sha: main, path: "" });
    return post();
  }

  it("reports a branch that moved between the head check and the commit", async () => {
    const h = new GitLabHarness();
    const main = await h.seed({ "config/a.yaml": "a: 1\n" });
    const intruder = "b".repeat(40);
    stage(h, main, () => nock("https://gitlab.example.test").post(/repository\/commits$/)).reply(201, commitBody("c".repeat(40), [intruder]), JSON_HEADERS);
    const error = await h.provider
      .commit({ ...h.repo, branch: "main", expectedHead: main, message: "m", author: { name: "A", email: "a@x" }, committer: { name: "A", email: "a@x" }, changes: [{ action: "upsert", path: "config/b.yaml", content: "b\n" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BranchMovedError);
    expect((error as BranchMovedError).actual).toBe(intruder);
  });

  it("turns GitLab's 'file already exists' refusal into BranchMovedError", async () => {
    const h = new GitLabHarness();
    const main = await h.seed({ "config/a.yaml": "a: 1\n" });
    stage(h, main, () => nock("https://gitlab.example.test").post(/repository\/commits$/)).reply(400, { message: "A file with this name already exists" }, JSON_HEADERS);
    const error = await h.provider
      .commit({ ...h.repo, branch: "main", expectedHead: main, message: "m", author: { name: "A", email: "a@x" }, committer: { name: "A", email: "a@x" }, changes: [{ action: "upsert", path: "config/b.yaml", content: "b\n" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BranchMovedError);
  });

  it("sends create/update/delete actions chosen from the tree, the author, and start_sha for a new branch", async () => {
    const h = new GitLabHarness();
    const main = await h.seed({ "config/a.yaml": "a: 1\n", "config/gone.yaml": "x\n" });
    h.expect({ op: "commit", branch: "snap/1", files: 4, outcome: "moved" });
    h.expect({ op: "readFiles", sha: main, path: "" });
    let sent: Record<string, unknown> = {};
    nock("https://gitlab.example.test")
      .post(/repository\/commits$/, (body: Record<string, unknown>) => {
        sent = body;
        return true;
      })
      .reply(201, commitBody("d".repeat(40), [main]), JSON_HEADERS);
    const result = await h.provider.commit({
      ...h.repo,
      branch: "snap/1",
      createBranch: true,
      expectedHead: main,
      message: "Snapshot",
      author: { name: "Ada", email: "ada@example.com" },
      committer: { name: "gitsync", email: "g@example.com" },
      changes: [
        { action: "upsert", path: "config/a.yaml", content: "a: 2\n" },
        { action: "upsert", path: "config/new.yaml", content: "n\n" },
        { action: "delete", path: "config/gone.yaml" },
        { action: "delete", path: "config/never-there.yaml" },
      ],
    });
    expect(result.sha).toBe("d".repeat(40));
    expect(sent).toMatchObject({ branch: "snap/1", commit_message: "Snapshot", start_sha: main, author_name: "Ada", author_email: "ada@example.com" });
    expect(sent["actions"]).toEqual([
      { action: "update", file_path: "config/a.yaml", content: "a: 2\n", encoding: "text" },
      { action: "create", file_path: "config/new.yaml", content: "n\n", encoding: "text" },
      { action: "delete", file_path: "config/gone.yaml" },
    ]);
  });
});

describe("GitLab checks without annotations", () => {
  it("sums the findings up in the status description; the engine's one MR note carries them", async () => {
    const h = new GitLabHarness();
    const main = await h.seed({ "config/a.yaml": "a\n" });
    h.forge.mergeRequests.push({ iid: 4, title: "t", description: "", sourceBranch: "main", targetBranch: "main", state: "opened" });
    const annotations: CheckAnnotation[] = Array.from({ length: 60 }, (_, i) => ({
      path: `config/m-${i}.yaml`,
      line: i + 1,
      column: 2,
      code: "schema",
      severity: i % 2 === 0 ? "error" : "warning",
      message: `problem | ${i}`,
    }));
    h.expect({ op: "publishCheck", sha: main, annotations: 60, status: "completed" });
    expect(h.provider.capabilities.annotations).toBe(false);
    await h.provider.publishCheck({ ...h.repo, sha: main, name: "gitsync", status: "completed", conclusion: "failure", title: "Configuration invalid", summary: "60 findings", annotations, pullRequest: 4 });

    const [status] = h.forge.statuses;
    expect(status).toMatchObject({ name: "gitsync", state: "failed", description: "Configuration invalid (30 errors, 30 warnings)" });
    expect(await h.comments(4)).toEqual([]);
  });

  it("cuts a long description to GitLab's 255 characters and maps running states", async () => {
    const h = new GitLabHarness();
    const main = await h.seed({ "a.yaml": "a\n" });
    h.expect({ op: "publishCheck", sha: main, annotations: 0, status: "in_progress" });
    await h.provider.publishCheck({ ...h.repo, sha: main, name: "gitsync", status: "queued", title: "x".repeat(400), summary: "", annotations: [] });
    expect(h.forge.statuses[0]?.state).toBe("running");
    expect(h.forge.statuses[0]?.description).toHaveLength(255);
  });
});

describe("GitLab request counts", () => {
  const files = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`config/models/g-${i % 10}/m-${i}.yaml`, `name: m-${i}\n`]));

  it("reads 1,000 files in one request, all of them or named", async () => {
    const h = new GitLabHarness();
    const main = await h.seed(files(1000));
    h.expect({ op: "readFiles", sha: main, path: "config" });
    expect(await h.provider.readFiles(h.repo, main, "config")).toHaveLength(1000);
    const all = h.requestCount();
    const named = Object.keys(files(1000));
    h.expect({ op: "readFiles", sha: main, path: "config", paths: named });
    expect(await h.provider.readFiles(h.repo, main, "config", named)).toHaveLength(1000);
    console.log(`[gitlab] requests to read 1,000 files: all → ${all}, named → ${h.requestCount() - all}`);
    expect([all, h.requestCount() - all]).toEqual([1, 1]);
  });

  it("reads a few named files one raw request each", async () => {
    const h = new GitLabHarness();
    const main = await h.seed(files(20));
    const named = ["config/models/g-1/m-1.yaml", "config/models/g-2/m-2.yaml"];
    h.expect({ op: "readFiles", sha: main, path: "config", paths: named });
    expect(await h.provider.readFiles(h.repo, main, "config", named)).toEqual([
      { path: named[0], content: Buffer.from("name: m-1\n") },
      { path: named[1], content: Buffer.from("name: m-2\n") },
    ]);
    expect(h.requestCount()).toBe(2);
  });

  it("falls back to comparing archives when compare may be cut at 1,000 diffs", async () => {
    const h = new GitLabHarness();
    const main = await h.seed({ "README.md": "r\n" });
    const changes = Object.entries(files(1200)).map(([path, content]) => ({ action: "upsert" as const, path, content }));
    h.expect({ op: "commit", branch: "main", files: changes.length, outcome: "committed" });
    const { sha } = await h.provider.commit({ ...h.repo, branch: "main", expectedHead: main, message: "many", author: { name: "A", email: "a@x" }, committer: { name: "A", email: "a@x" }, changes });
    const before = h.requestCount();
    h.expect({ op: "changedFiles", base: main, head: sha as string, path: "config" });
    const changed = await h.provider.changedFiles(h.repo, main, sha as string, "config");
    expect(changed).toHaveLength(1200);
    expect(changed.every((c) => c.status === "added")).toBe(true);
    // compare, the merge base (the archives are compared from it, as the merge request shows), two archives.
    expect(h.requestCount() - before).toBe(4);
  });
});

describe("GitLab reads bytes", () => {
  it("returns a raw file's bytes exactly, even when they are not UTF-8 and GitLab calls them text", async () => {
    const { gitlab } = provider();
    const latin1 = Buffer.from("name: caf\xe9\n", "latin1");
    nock(HOST)
      .get(`${API}/repository/files/models%2Fcafe.yaml/raw`)
      .query({ ref: SHA })
      .reply(200, latin1, { "Content-Type": "text/plain; charset=utf-8" });
    const files = await gitlab.readFiles({ repository: "acme/config" }, SHA, "models", ["models/cafe.yaml"]);
    expect(files).toEqual([{ path: "models/cafe.yaml", content: latin1 }]);
  });
});
