import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headOf, pushFiles, startHttpGitServer, type HttpGitServer } from "../providers/git/git-servers.js";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/**
 * The `git` provider end to end: the built server as its own process, a real smart-HTTP git
 * server with basic auth, and only HTTP calls and git pushes in between, as a user would.
 */

const TOKEN = "e2e-git-token-0123456789";
const HOOK_SECRET = "e2e-webhook-secret-0123456789";
const POLL_SECONDS = 5;
const PATCH = { "content-type": "application/merge-patch+json" };
let forge: HttpGitServer;
let server: BuiltServer;
let bare: string;

const modelBody = (name: string) => ({ name, source: "warehouse", type: "table", dbtModel: null, tableName: `public.${name}`, isSchema: false, primaryKey: "id" });
const modelFile = (name: string) => `name: ${name}\nsource: warehouse\ntype: table\ndbtModel: null\ntableName: public.${name}\nisSchema: false\nprimaryKey: id\n`;
const call = (method: string, path: string, options: Parameters<typeof callBuilt>[3] = {}) => callBuilt(server, method, path, options);

async function until<T>(what: () => Promise<T | undefined> | T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms\n${server.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const resourceExists = async (name: string) => ((await call("GET", `/api/v1/tenants/acme/resources/models/${name}`)).status === 200 ? true : undefined);

describe("gitsync serve on a plain git server over HTTPS-style basic auth", () => {
  beforeAll(async () => {
    forge = await startHttpGitServer("robot", TOKEN);
    bare = forge.create("config");
    server = await serveBuilt({ env: { GITSYNC_DEMO: "false" } });
    expect((await call("POST", "/api/v1/tenants", { body: { slug: "acme", name: "Acme" } })).status).toBe(201);
    await call("POST", "/api/v1/tenants/acme/connections", { body: { name: "warehouse", type: "postgres" } });
    const put = await call("PUT", "/api/v1/tenants/acme/git", {
      body: {
        provider: "git",
        repository: forge.url("config"),
        remote: { auth: "token", username: "robot", pollIntervalSeconds: POLL_SECONDS },
        token: TOKEN,
        webhookSecret: HOOK_SECRET,
      },
    });
    expect(put.status, put.text).toBe(200);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await forge?.close();
  });

  it("commits an app write to the remote branch", async () => {
    expect((await call("PUT", "/api/v1/tenants/acme/resources/models/orders", { body: modelBody("orders") })).status).toBe(201);
    const head = await until(() => headOf(bare, "main") ?? undefined, 30_000);
    const shown = await until(async () => {
      const status = await call("GET", "/api/v1/tenants/acme/status");
      return status.body.lastCommittedSha === head ? status.body : undefined;
    }, 10_000);
    expect(shown.git).toMatchObject({ provider: "git", hasToken: true, hasWebhookSecret: true });
    const { execFileSync } = await import("node:child_process");
    expect(execFileSync("git", ["--git-dir", bare, "show", `${head}:models/orders.yaml`]).toString()).toContain("name: orders");
  });

  it("applies a push to the remote within one poll interval", async () => {
    const pushedAt = Date.now();
    await pushFiles(bare, "main", { "models/customers.yaml": modelFile("customers") });
    await until(() => resourceExists("customers"), (POLL_SECONDS + 10) * 1000);
    const latency = Date.now() - pushedAt;
    console.log(`[git] poll-to-apply latency: ${latency} ms with pollIntervalSeconds ${POLL_SECONDS}`);
    expect(latency).toBeLessThan((POLL_SECONDS + 5) * 1000);
  });

  it("fetches at once on a signed webhook and refuses a forged one", async () => {
    const off = await call("PATCH", "/api/v1/tenants/acme/git", { body: { remote: { pollIntervalSeconds: 0 } }, headers: PATCH });
    expect(off.status, off.text).toBe(200);
    await pushFiles(bare, "main", { "models/invoices.yaml": modelFile("invoices") });
    const body = JSON.stringify({ ref: "refs/heads/main" });
    const sign = (secret: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    const forged = await call("POST", "/webhooks/git/acme", { raw: body, token: null, headers: { "content-type": "application/json", "x-gitsync-signature-256": sign("guessed-secret-guessed") } });
    expect(forged.status).toBe(401);
    const unsigned = await call("POST", "/webhooks/git/acme", { raw: body, token: null, headers: { "content-type": "application/json" } });
    expect(unsigned.status).toBe(401);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await resourceExists("invoices")).toBeUndefined();
    const started = Date.now();
    const signed = await call("POST", "/webhooks/git/acme", { raw: body, token: null, headers: { "content-type": "application/json", "x-gitsync-signature-256": sign(HOOK_SECRET) } });
    expect(signed.status).toBe(202);
    await until(() => resourceExists("invoices"), 10_000);
    console.log(`[git] webhook-to-apply latency: ${Date.now() - started} ms`);
  });

  it("pushes a snapshot branch to the remote", async () => {
    await call("PATCH", "/api/v1/tenants/acme/git", { body: { outbound: "pull-request", remote: { compareUrlTemplate: "https://git.example.com/{repository}/compare/{base}...{head}" } }, headers: PATCH });
    await call("PUT", "/api/v1/tenants/acme/resources/models/refunds", { body: modelBody("refunds") });
    const started = await call("POST", "/api/v1/tenants/acme/snapshots");
    expect(started.status).toBe(202);
    const entry = await until(async () => {
      const got = await call("GET", `/api/v1/tenants/acme/snapshots/${started.body.id}`);
      return ["done", "failed"].includes(got.body.status) ? got.body : undefined;
    }, 30_000);
    expect(entry.status, entry.error).toBe("done");
    expect(headOf(bare, entry.branch)).toBe(entry.commitSha);
    expect(entry.prUrl).toBe(`https://git.example.com/config/compare/main...${entry.branch}`);
  });

  it("keeps the token out of the mirror, the logs and every answer", async () => {
    const config = await readFile(join(server.dataDir, "mirrors", "acme.git", "config"), "utf8");
    expect(config).not.toContain(TOKEN);
    expect(config).not.toContain(forge.url("config"));
    expect(server.output()).not.toContain(TOKEN);
    expect(server.output()).not.toContain(Buffer.from(`robot:${TOKEN}`).toString("base64"));
    const git = await call("GET", "/api/v1/tenants/acme/git");
    expect(git.text).not.toContain(TOKEN);
    expect(git.text).not.toContain(HOOK_SECRET);
  });
});
