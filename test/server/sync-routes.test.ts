import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/index.js";
import { commitFiles, pushAsync, runGit } from "../helpers/working-copy.js";
import { modelsIn } from "./fixtures.js";
import { client, startServer, type TestServer } from "./harness.js";

/**
 * The embedded default end to end through the server, as a user drives it: edits through the
 * API become commits, a real `git push` reaches the server through the repository's
 * post-receive hook, snapshots become local pull requests that merge back.
 */

let server: TestServer;
let call: ReturnType<typeof client>;
let editor: string;
let work: string;

const model = modelsIn("sales");

const pat: Actor = { name: "Pat Pusher", email: "pat@example.com" };
const git = (cwd: string, args: string[]): string => runGit(cwd, args, pat);
/** Pushes without blocking: the server answering the hook runs in this same process. */
const push = (cwd: string, branch: string): Promise<void> => pushAsync(cwd, branch, pat);

const repo = () => join(server.dataDir, "repos", "acme.git");

async function settle(): Promise<void> {
  await server.app.sync.idle();
}

beforeAll(async () => {
  server = await startServer({ GITSYNC_DEMO: "false" });
  call = client(server);
  work = await mkdtemp(join(tmpdir(), "gitsync-work-"));
  editor = (await call("POST", "/api/v1/tokens", { body: { label: "e", role: "editor", user: { name: "Eddie Editor", email: "eddie@example.com" } } })).body.secret;
  expect((await call("POST", "/api/v1/tenants", { body: { slug: "acme", name: "Acme" } })).status).toBe(201);
  for (const name of ["warehouse", "hubspot"]) {
    expect((await call("POST", "/api/v1/tenants/acme/connections", { body: { name, type: "postgres" } })).status).toBe(201);
  }
  const gitConnection = (await call("GET", "/api/v1/tenants/acme/git")).body;
  const { hasToken: _ignored, ...fields } = gitConnection;
  expect((await call("PUT", "/api/v1/tenants/acme/git", { body: { ...fields, debounceMs: 20 } })).status).toBe(200);
});
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

describe("the embedded default, end to end", () => {
  it("commits an API edit with the editor as author", async () => {
    const put = await call("PUT", "/api/v1/tenants/acme/resources/models/orders", { token: editor, body: model("orders") });
    expect(put.status).toBe(201);
    await settle();
    expect(git(work, ["--git-dir", repo(), "log", "-1", "--format=%an <%ae>"])).toBe("Eddie Editor <eddie@example.com>");
    const status = await call("GET", "/api/v1/tenants/acme/status", { token: editor });
    expect(status.body).toMatchObject({ waiting: 0, git: { provider: "local", repository: "acme", branch: "main" } });
    expect(status.body.lastCommittedSha).toBe(git(work, ["--git-dir", repo(), "rev-parse", "main"]));
    expect(status.body.lastCommitAt).not.toBeNull();
  });

  it("applies a git push that reaches the server through the post-receive hook", async () => {
    git(work, ["clone", "-q", repo(), "acme"]);
    const checkout = join(work, "acme");
    await commitFiles(checkout, { "models/orders.yaml": (text) => text.replace("primaryKey: id", "primaryKey: order_id") }, "Use order_id", pat);
    await push(checkout, "main");
    await settle();
    const got = await call("GET", "/api/v1/tenants/acme/resources/models/orders", { token: editor });
    expect(got.body.body.primaryKey).toBe("order_id");
    const log = await call("GET", "/api/v1/tenants/acme/log?direction=INBOUND", { token: editor });
    expect(log.body.items[0]).toMatchObject({ status: "done", commitSha: git(checkout, ["rev-parse", "HEAD"]) });
  });

  it("refuses an invalid push before it lands, saying where and why", async () => {
    const checkout = join(work, "acme");
    const before = git(work, ["--git-dir", repo(), "rev-parse", "main"]);
    await commitFiles(checkout, { "syncs/broken.yaml": "model: nowhere\ndestination: hubspot\nconfig: {}\nschedule: null\nschedulePaused: false\n" }, "Broken sync", pat);
    const refused = await push(checkout, "main").then(
      () => null,
      (error: { stderr: string }) => error.stderr,
    );
    expect(refused).toMatch(/remote: gitsync: syncs\/broken\.yaml:1:8: error missing-reference: model 'nowhere'/);
    expect(refused).toMatch(/pre-receive hook declined/);
    expect(git(work, ["--git-dir", repo(), "rev-parse", "main"])).toBe(before);
    expect((await call("GET", "/api/v1/tenants/acme/resources/syncs/broken", { token: editor })).status).toBe(404);
    // Put the working copy right again for the next steps.
    git(checkout, ["reset", "-q", "--hard", "HEAD~1"]);
  });

  it("syncs changes as a snapshot pull request that an admin merges", async () => {
    const current = (await call("GET", "/api/v1/tenants/acme/git")).body;
    const { hasToken: _ignored, ...fields } = current;
    await call("PUT", "/api/v1/tenants/acme/git", { body: { ...fields, outbound: "pull-request" } });
    await call("PUT", "/api/v1/tenants/acme/resources/models/leads", { token: editor, body: model("leads", { project: "marketing" }) });
    let projects = await call("GET", "/api/v1/tenants/acme/projects", { token: editor });
    expect(projects.body.items.find((p: { name: string }) => p.name === "marketing").pendingChanges).toEqual({ created: 1, updated: 0, deleted: 0 });

    const started = await call("POST", "/api/v1/tenants/acme/snapshots", { token: editor });
    expect(started.status).toBe(202);
    await settle();
    const snapshot = await call("GET", `/api/v1/tenants/acme/snapshots/${started.body.id}`, { token: editor });
    expect(snapshot.body).toMatchObject({ status: "done", branch: expect.stringMatching(/^acme\/\d{4}\.\d{2}\.\d{2}\.1$/) });

    const pulls = await call("GET", "/api/v1/tenants/acme/pulls", { token: editor });
    const [pull] = pulls.body.items;
    expect(pull).toMatchObject({ state: "open", head: snapshot.body.branch, base: "main" });
    const merged = await call("POST", `/api/v1/tenants/acme/pulls/${pull.number}/merge`);
    expect(merged.status).toBe(200);
    expect(merged.body.pull.state).toBe("merged");
    await settle();
    projects = await call("GET", "/api/v1/tenants/acme/projects", { token: editor });
    for (const p of projects.body.items) expect(p.pendingChanges).toEqual({ created: 0, updated: 0, deleted: 0 });
    const log = await call("GET", "/api/v1/tenants/acme/log?limit=1&direction=INBOUND", { token: editor });
    expect(log.body.items[0]).toMatchObject({ status: "done", commitSha: merged.body.pull.mergeCommitSha });

    const again = await call("POST", "/api/v1/tenants/acme/snapshots", { token: editor });
    await settle();
    expect((await call("GET", `/api/v1/tenants/acme/snapshots/${again.body.id}`, { token: editor })).body).toMatchObject({
      status: "skipped",
      branch: null,
    });
  });

  it("checks a local pull request and shows its plan", async () => {
    const checkout = join(work, "acme");
    git(checkout, ["pull", "-q", "origin", "main"]);
    git(checkout, ["checkout", "-q", "-b", "bump-key"]);
    await commitFiles(checkout, { "models/leads.yaml": (text) => text.replace("primaryKey: id", "primaryKey: lead_id") }, "Bump the key", pat);
    await push(checkout, "bump-key");
    await settle();
    const opened = await call("POST", "/api/v1/tenants/acme/pulls", { token: editor, body: { head: "bump-key" } });
    expect(opened.status).toBe(201);
    const detail = await call("GET", `/api/v1/tenants/acme/pulls/${opened.body.pull.number}`, { token: editor });
    const [check] = detail.body.checks;
    expect(check).toMatchObject({ name: "gitsync", status: "completed", conclusion: "success" });
    expect(check.summary).toContain("| update | model | `leads` | `primaryKey` |");
  });

  it("imports a branch into another tenant, listing missing connections first", async () => {
    await call("POST", "/api/v1/tenants", { body: { slug: "beta", name: "Beta" } });
    let res = await call("POST", "/api/v1/tenants/beta/imports", { body: { ref: "main", source: "acme", dryRun: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "missing-connections", missing: ["warehouse"] });
    await call("POST", "/api/v1/tenants/beta/connections", { body: { name: "warehouse", type: "postgres" } });
    res = await call("POST", "/api/v1/tenants/beta/imports", { body: { ref: "main", source: "acme", dryRun: true } });
    expect(res.body.status).toBe("planned");
    expect(res.body.plan.items.map((i: { action: string; name: string }) => `${i.action} ${i.name}`)).toEqual(["create leads", "create orders"]);
    expect((await call("GET", "/api/v1/tenants/beta/resources/models", { token: editor })).body.items).toEqual([]);
    res = await call("POST", "/api/v1/tenants/beta/imports", { body: { ref: "main", source: "acme" } });
    expect(res.body.status).toBe("applied");
    const names = (await call("GET", "/api/v1/tenants/beta/resources/models", { token: editor })).body.items.map((r: { name: string }) => r.name);
    expect(names.sort()).toEqual(["leads", "orders"]);
  });

  it("tests the connection and resyncs in both directions", async () => {
    const test = await call("POST", "/api/v1/tenants/acme/git/test");
    expect(test.body.results.map((r: { check: string; ok: boolean }) => [r.check, r.ok])).toEqual([
      ["credentials", true],
      ["branch", true],
      ["read", true],
      ["webhooks", true],
    ]);
    const toGit = await call("POST", "/api/v1/tenants/acme/resync", { body: { direction: "to-git" } });
    expect(toGit.body).toMatchObject({ status: "done", entry: { direction: "OUTBOUND", status: "skipped" } });
    const fromGit = await call("POST", "/api/v1/tenants/acme/resync", { body: { direction: "from-git" } });
    expect(fromGit.body).toMatchObject({ status: "done", entry: { direction: "INBOUND", status: "done" } });
  });

  it("refuses an unsigned or wrongly signed local webhook", async () => {
    const res = await fetch(`${server.url}/webhooks/local`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-gitsync-signature": "sha256=00", "x-gitsync-delivery": "x" },
      body: JSON.stringify({ repository: "acme", updates: [] }),
    });
    expect(res.status).toBe(401);
  });
  it("fails a local pull request whose config is invalid, with annotations at the lines", async () => {
    const checkout = join(work, "acme");
    git(checkout, ["checkout", "-q", "-b", "bad-sync", "main"]);
    git(checkout, ["pull", "-q", "origin", "main"]);
    await commitFiles(
      checkout,
      { "syncs/leads-out.yaml": "model: leads\ndestination: nowhere\nconfig: {}\nschedule:\n  type: cron\n  expression: \"61 * * * *\"\nschedulePaused: false\n" },
      "A bad sync",
      pat,
    );
    await push(checkout, "bad-sync");
    await settle();
    const opened = await call("POST", "/api/v1/tenants/acme/pulls", { token: editor, body: { head: "bad-sync", title: "Add a sync" } });
    const detail = await call("GET", `/api/v1/tenants/acme/pulls/${opened.body.pull.number}`, { token: editor });
    const [check] = detail.body.checks;
    expect(check.conclusion).toBe("failure");
    const at = check.annotations.map((a: { path: string; line: number; code: string }) => `${a.path}:${a.line} ${a.code}`);
    expect(at).toContain("syncs/leads-out.yaml:2 missing-reference");
    expect(at.some((a: string) => a.startsWith("syncs/leads-out.yaml:6 "))).toBe(true);
    expect(detail.body.comment).toContain("<!-- gitsync -->");
    expect((await call("POST", `/api/v1/tenants/acme/pulls/${opened.body.pull.number}/merge`, { token: editor })).status).toBe(403);
  });
});

describe("the sync routes' guards", () => {
  it("answer 401 without a token, 404 for an unknown tenant, 403 below the role", async () => {
    const viewer = (await call("POST", "/api/v1/tokens", { body: { label: "v", role: "viewer", user: { name: "Vi", email: "vi@example.com" } } })).body.secret;
    const routes: [string, string, "viewer" | "editor" | "admin"][] = [
      ["GET", "/status", "viewer"],
      ["POST", "/sync", "editor"],
      ["POST", "/snapshots", "editor"],
      ["GET", "/snapshots/1", "viewer"],
      ["POST", "/imports", "admin"],
      ["POST", "/resync", "admin"],
      ["POST", "/git/test", "admin"],
      ["GET", "/pulls", "viewer"],
      ["POST", "/pulls", "editor"],
      ["GET", "/pulls/1", "viewer"],
      ["POST", "/pulls/1/merge", "admin"],
    ];
    for (const [method, path, role] of routes) {
      const url = `/api/v1/tenants/acme${path}`;
      expect((await call(method, url, { token: null })).status, url).toBe(401);
      expect((await call(method, `/api/v1/tenants/nope${path}`)).status, url).toBe(404);
      if (role !== "viewer") expect((await call(method, url, { token: viewer, body: {} })).status, url).toBe(403);
      if (role === "admin") expect((await call(method, url, { token: editor, body: {} })).status, url).toBe(403);
    }
    expect((await call("GET", "/api/v1/tenants/acme/snapshots/99999", { token: viewer })).status).toBe(404);
    expect((await call("POST", "/api/v1/tenants/acme/resync", { body: { direction: "sideways" } })).status).toBe(400);
  });
});
