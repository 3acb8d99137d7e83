import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import type { FileChange } from "../../../src/core/index.js";
import { GitLabProvider, HEAD_FRESH_MS } from "../../../src/providers/gitlab/index.js";
import { GitLabHarness } from "../../contract/gitlab-harness.js";
import { useStrictHttpMock } from "../../helpers/http-mock.js";

/**
 * The GitLab adapter held to GitLab's REST documentation: commit statuses name their branch,
 * a commit costs the three requests the commits API needs, and a folder that does not exist
 * yet reads as empty however GitLab answers the archive of it.
 */

useStrictHttpMock();

const AUTHOR = { name: "Ada", email: "ada@example.com" };
const HOST = "https://gitlab.self-managed.test";
const API = "/api/v4/projects/acme%2Fconfig";
const JSON_HEADERS = { "Content-Type": "application/json" };
const HEAD = "a".repeat(40);
const NEW = "b".repeat(40);

function commitRequest(h: GitLabHarness, expectedHead: string, changes: FileChange[]) {
  return { ...h.repo, branch: "main", expectedHead, message: "Update", author: AUTHOR, committer: AUTHOR, changes };
}

describe("GitLab commit statuses name their branch", () => {
  it("sends the merge request's source branch as ref", async () => {
    const h = new GitLabHarness();
    const main = await h.seed({ "models/a.yaml": "name: a\n" });
    h.expect({ op: "publishCheck", sha: main, annotations: 0, status: "completed" });
    await h.provider.publishCheck({ ...h.repo, sha: main, name: "gitsync", status: "completed", conclusion: "success", title: "Valid", summary: "", annotations: [], pullRequest: 3, ref: "feature/x" });
    expect(h.forge.statuses).toEqual([expect.objectContaining({ sha: main, state: "success", ref: "feature/x" })]);
  });

  it("sends no ref when the caller names none", async () => {
    const h = new GitLabHarness();
    const main = await h.seed({ "models/a.yaml": "name: a\n" });
    h.expect({ op: "publishCheck", sha: main, annotations: 0, status: "in_progress" });
    await h.provider.publishCheck({ ...h.repo, sha: main, name: "gitsync", status: "in_progress", title: "Checking", summary: "", annotations: [] });
    expect(h.forge.statuses[0]?.ref).toBeNull();
  });
});

describe("GitLab commit request counts", () => {
  it("resolves the branch, looks for a resource in every format and commits it in three requests in all", async () => {
    const h = new GitLabHarness();
    const main = await h.seed({ "README.md": "r\n", "models/a.yaml": "name: a\n" });
    const candidates = ["models/b.yaml", "models/b.yml", "models/b.json"];
    const before = h.requestCount();
    h.expect({ op: "resolveRef", ref: "main", exists: true });
    expect(await h.provider.resolveRef(h.repo, "main")).toBe(main);
    h.expect({ op: "readFiles", sha: main, path: "", paths: candidates });
    expect(await h.provider.readFiles(h.repo, main, "", candidates)).toEqual([]);
    h.expect({ op: "commit", branch: "main", files: 1, outcome: "committed", treeRead: true, headRead: true });
    const { sha } = await h.provider.commit(commitRequest(h, main, [{ action: "upsert", path: "models/b.yaml", content: "name: b\n" }]));
    // The branch head, one archive of models/, one POST /repository/commits.
    expect(h.requestCount() - before).toBe(3);
    expect((await h.snapshot(sha as string))["models/b.yaml"]).toBe("name: b\n");
  });

  it("reads the branch again when its head was resolved too long ago", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const h = new GitLabHarness();
      const main = await h.seed({ "models/a.yaml": "name: a\n" });
      h.expect({ op: "resolveRef", ref: "main", exists: true });
      await h.provider.resolveRef(h.repo, "main");
      vi.setSystemTime(Date.now() + HEAD_FRESH_MS + 1);
      h.expect({ op: "commit", branch: "main", files: 1, outcome: "committed" });
      const { sha } = await h.provider.commit(commitRequest(h, main, [{ action: "upsert", path: "models/a.yaml", content: "name: a2\n" }]));
      expect((await h.snapshot(sha as string))["models/a.yaml"]).toBe("name: a2\n");
    } finally {
      vi.useRealTimers();
    }
  });

  it("commits many files across folders in three requests", async () => {
    const h = new GitLabHarness();
    const main = await h.seed({ "models/a.yaml": "name: a\n", "syncs/s.yaml": "model: a\n" });
    const changes: FileChange[] = Array.from({ length: 12 }, (_, i) => ({ action: "upsert", path: `${i % 2 ? "models" : "jobs"}/r-${i}.yaml`, content: `n: ${i}\n` }));
    changes.push({ action: "delete", path: "syncs/s.yaml" });
    const before = h.requestCount();
    h.expect({ op: "commit", branch: "main", files: changes.length, outcome: "committed" });
    const { sha } = await h.provider.commit(commitRequest(h, main, changes));
    expect(h.requestCount() - before).toBe(3);
    const files = await h.snapshot(sha as string);
    expect(files["jobs/r-0.yaml"]).toBe("n: 0\n");
    expect(files["syncs/s.yaml"]).toBeUndefined();
  });
});

describe("GitLab archive of a folder that does not exist yet", () => {
  const gitlab = () => new GitLabProvider({ host: HOST, token: "t", webhookSecret: "w", retry: { retries: 0 } });
  const created = { id: NEW, short_id: "b", title: "Add", message: "Add", parent_ids: [HEAD], author_name: "Ada", author_email: "ada@example.com" };

  for (const [label, reply] of [
    ["200 with an empty body", (scope: nock.Interceptor) => scope.reply(200, "", { "Content-Type": "application/octet-stream" })],
    ["200 with an empty body labelled JSON", (scope: nock.Interceptor) => scope.reply(200, "", JSON_HEADERS)],
    ["404", (scope: nock.Interceptor) => scope.reply(404, { message: "404 File Not Found" }, JSON_HEADERS)],
  ] as const) {
    it(`reads no file and creates the first one when GitLab answers ${label}`, async () => {
      const provider = gitlab();
      const repo = { repository: "acme/config" };
      reply(nock(HOST).get(`${API}/repository/archive.tar.gz`).query({ sha: HEAD, path: "models" }));
      expect(await provider.readFiles(repo, HEAD, "", ["models/first.yaml", "models/first.yml"])).toEqual([]);

      nock(HOST).get(`${API}/repository/branches/main`).reply(200, { name: "main", commit: { ...created, id: HEAD, parent_ids: [] } }, JSON_HEADERS);
      let actions: unknown;
      nock(HOST)
        .post(`${API}/repository/commits`, (body: { actions: unknown }) => {
          actions = body.actions;
          return true;
        })
        .reply(201, created, JSON_HEADERS);
      const change: FileChange = { action: "upsert", path: "models/first.yaml", content: "name: first\n" };
      const result = await provider.commit({ ...repo, branch: "main", expectedHead: HEAD, message: "Add", author: AUTHOR, committer: AUTHOR, changes: [change] });
      expect(result).toEqual({ sha: NEW });
      expect(actions).toEqual([{ action: "create", file_path: "models/first.yaml", content: "name: first\n", encoding: "text" }]);
    });
  }

  it("still fails on a 404 for the whole repository (an unknown commit)", async () => {
    const provider = gitlab();
    nock(HOST).get(`${API}/repository/archive.tar.gz`).query({ sha: HEAD }).reply(404, { message: "404 Commit Not Found" }, JSON_HEADERS);
    await expect(provider.readFiles({ repository: "acme/config" }, HEAD, "")).rejects.toThrow(/404 Commit Not Found/);
  });
});
