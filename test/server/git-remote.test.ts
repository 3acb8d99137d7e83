import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headOf, pushFiles, startHttpGitServer, type HttpGitServer } from "../providers/git/git-servers.js";
import { client, startServer, type TestServer } from "./harness.js";
import { modelsIn } from "./fixtures.js";

const PATCH = { "content-type": "application/merge-patch+json" };
const WEBHOOK_SECRET = "webhook-secret-0123456789";
const model = modelsIn("core");
let forge: HttpGitServer;
let server: TestServer;
let call: ReturnType<typeof client>;
let bare: string;

const sign = (body: string, secret = WEBHOOK_SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

async function until<T>(what: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const modelFile = (name: string) =>
  `name: ${name}\nsource: warehouse\ntype: table\ndbtModel: null\ntableName: public.${name}\nisSchema: false\nprimaryKey: id\nproject: core\n`;

beforeAll(async () => {
  forge = await startHttpGitServer("ada", "pass-word-123");
  bare = forge.create("config");
  server = await startServer();
  call = client(server);
  await call("POST", "/api/v1/tenants", { body: { slug: "acme", name: "Acme" } });
  await call("POST", "/api/v1/tenants/acme/connections", { body: { name: "warehouse", type: "postgres" } });
});
afterAll(async () => {
  await server.stop();
  await forge.close();
});

describe("a tenant on a plain git server", () => {
  it("stores the connection with its secrets write-only and tests it", async () => {
    const put = await call("PUT", "/api/v1/tenants/acme/git", {
      body: {
        provider: "git",
        repository: forge.url("config"),
        remote: { auth: "password", username: "ada", pollIntervalSeconds: 0, compareUrlTemplate: "https://git.example.com/{repository}/compare/{base}...{head}" },
        token: "pass-word-123",
        webhookSecret: WEBHOOK_SECRET,
      },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ provider: "git", hasToken: true, hasWebhookSecret: true, remote: { auth: "password", username: "ada", hostKey: null } });
    expect(put.text).not.toContain("pass-word-123");
    expect(put.text).not.toContain(WEBHOOK_SECRET);
    const test = await call("POST", "/api/v1/tenants/acme/git/test");
    expect(test.body.results.map((r: { check: string; ok: boolean }) => [r.check, r.ok])).toEqual([
      ["credentials", true],
      ["branch", true],
      ["push", true],
      ["webhooks", true],
    ]);
    expect(headOf(bare, "main")).toBeNull();
  });

  it("refuses a password connection without a user name, and credentials in the URL", async () => {
    const noUser = await call("PATCH", "/api/v1/tenants/acme/git", { headers: PATCH, body: { remote: { username: null } } });
    expect(noUser.status).toBe(400);
    expect(noUser.body.error.message).toMatch(/remote\.username is required with a password/);
    const inUrl = await call("PATCH", "/api/v1/tenants/acme/git", { headers: PATCH, body: { repository: "https://ada:pw@git.example.com/x.git" } });
    expect(inUrl.status).toBe(400);
    expect(inUrl.body.error.message).toMatch(/credentials never go in the URL/);
    const file = await call("PATCH", "/api/v1/tenants/acme/git", { headers: PATCH, body: { repository: "file:///etc/x.git" } });
    expect(file.status).toBe(400);
  });

  it("commits an app write to the server", async () => {
    const put = await call("PUT", "/api/v1/tenants/acme/resources/models/orders", { body: model("orders") });
    expect(put.status).toBe(201);
    await server.app.sync.idle();
    const head = await until(async () => headOf(bare, "main") ?? undefined);
    const status = await call("GET", "/api/v1/tenants/acme/status");
    expect(status.body.lastCommittedSha).toBe(head);
  });

  it("commits on top when the remote moved since the last sync, losing neither side", async () => {
    const theirs = await pushFiles(bare, "main", { "models/moved.yaml": modelFile("moved") });
    expect((await call("PUT", "/api/v1/tenants/acme/resources/models/late", { body: model("late") })).status).toBe(201);
    await server.app.sync.idle();
    const head = await until(async () => {
      const now = headOf(bare, "main");
      return now !== theirs ? now ?? undefined : undefined;
    });
    const files = execFileSync("git", ["--git-dir", bare, "ls-tree", "-r", "--name-only", head]).toString();
    expect(files).toContain("models/moved.yaml");
    expect(files).toContain("models/late.yaml");
    expect(execFileSync("git", ["--git-dir", bare, "merge-base", "--is-ancestor", theirs, head]).length).toBe(0);
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/moved")).status).toBe(200);
  });

  it("applies a push when a signed webhook arrives, and refuses a forged one", async () => {
    await pushFiles(bare, "main", { "models/customers.yaml": modelFile("customers") });
    const body = JSON.stringify({ ref: "refs/heads/main" });
    const forged = await call("POST", "/webhooks/git/acme", { raw: body, token: null, headers: { "content-type": "application/json", "x-gitsync-signature-256": sign(body, "not-the-secret-at-all") } });
    expect(forged.status).toBe(401);
    const unknown = await call("POST", "/webhooks/git/nobody", { raw: body, token: null, headers: { "content-type": "application/json", "x-gitsync-signature-256": sign(body) } });
    expect(unknown.status).toBe(401);
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/customers")).status).toBe(404);
    const signed = await call("POST", "/webhooks/git/acme", { raw: body, token: null, headers: { "content-type": "application/json", "x-gitsync-signature-256": sign(body) } });
    expect(signed.status).toBe(202);
    await server.app.sync.idle();
    const got = await call("GET", "/api/v1/tenants/acme/resources/models/customers");
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ name: "customers" });
  });

  it("pushes a snapshot branch and links it instead of opening a pull request", async () => {
    await call("PATCH", "/api/v1/tenants/acme/git", { headers: PATCH, body: { outbound: "pull-request" } });
    await call("PUT", "/api/v1/tenants/acme/resources/models/invoices", { body: model("invoices") });
    const started = await call("POST", "/api/v1/tenants/acme/snapshots");
    expect(started.status).toBe(202);
    await server.app.sync.idle();
    const entry = await call("GET", `/api/v1/tenants/acme/snapshots/${started.body.id}`);
    expect(entry.body).toMatchObject({ status: "done" });
    expect(headOf(bare, entry.body.branch)).toBe(entry.body.commitSha);
    expect(entry.body.prUrl).toBe(`https://git.example.com/config/compare/main...${entry.body.branch}`);
  });

  it("shows a refused push in the sync log and status", async () => {
    await pushFiles(bare, "main", { "models/broken.yaml": "name: broken\ntype: nonsense\n" });
    await server.app.sync.poller.pollNow("acme");
    const status = await call("GET", "/api/v1/tenants/acme/status");
    expect(status.body.lastPush).toMatchObject({ refused: true });
    expect(status.body.lastPush.diagnostics.length).toBeGreaterThan(0);
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/broken")).status).toBe(404);
  });

  it("reports a wrong password in Test connection and in the status after a poll", async () => {
    await call("PATCH", "/api/v1/tenants/acme/git", { headers: PATCH, body: { token: "wrong-password" } });
    const test = await call("POST", "/api/v1/tenants/acme/git/test");
    expect(test.body.results[0]).toMatchObject({ check: "credentials", ok: false });
    expect(test.body.results[0].message).toMatch(/refused the credentials/);
    await server.app.sync.poller.pollNow("acme");
    const status = await call("GET", "/api/v1/tenants/acme/status");
    expect(status.body.poll.error).toMatch(/refused the credentials/);
    expect(status.text).not.toContain("wrong-password");
  });
});
