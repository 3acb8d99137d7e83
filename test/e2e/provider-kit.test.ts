import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";
import { gitAsAda } from "./git.js";

/*
 * What the provider kit promises, seen from outside the built server: a rename across the
 * tenant's path is a delete or an add; a connection's own base URL wins over GITLAB_BASE_URL;
 * webhook deliveries are verified by the server's receivers, whatever tenants exist.
 */

const GITLAB_SECRET = "e2e-kit-gitlab";
const BITBUCKET_SECRET = "e2e-kit-bitbucket";
const HEAD = "1".repeat(40);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const model = { name: "orders", source: "warehouse", type: "table", dbtModel: null, rawSql: null, tableName: "sales.orders", isSchema: false, primaryKey: "id" };

/** A GitLab stand-in that answers a branch read and an empty folder, and records every path. */
async function recordingGitLab(): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? "");
    if ((req.url ?? "").includes("/repository/commits/main")) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: HEAD, short_id: "1111", title: "t", message: "t", parent_ids: [] }));
    } else if ((req.url ?? "").includes("/repository/archive.tar.gz")) {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end();
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "404 Not Found" }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, paths, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("the provider kit through the built server", () => {
  let server: BuiltServer;
  let fallback: Awaited<ReturnType<typeof recordingGitLab>>;
  let work: string;
  const api = (method: string, path: string, options: Parameters<typeof callBuilt>[3] = {}) => callBuilt(server, method, `/api/v1/tenants${path}`, options);

  beforeAll(async () => {
    fallback = await recordingGitLab();
    work = mkdtempSync(join(tmpdir(), "gitsync-e2e-kit-"));
    server = await serveBuilt({
      env: { GITSYNC_DEMO: "false", GITLAB_WEBHOOK_SECRET: GITLAB_SECRET, GITLAB_BASE_URL: fallback.url, BITBUCKET_WEBHOOK_SECRET: BITBUCKET_SECRET },
    });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await fallback?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function tenant(slug: string, git: Record<string, unknown>): Promise<void> {
    expect((await api("POST", "", { body: { slug, name: slug } })).status).toBe(201);
    expect((await api("POST", `/${slug}/connections`, { body: { name: "warehouse", type: "postgres" } })).status).toBe(201);
    const { hasToken: _, ...current } = (await api("GET", `/${slug}/git`)).body;
    expect((await api("PUT", `/${slug}/git`, { body: { ...current, ...git } })).status).toBe(200);
  }

  /** Polls `check`; a kept-alive socket the server closed while git ran is just asked again. */
  async function until(check: () => Promise<boolean>): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      if (await check().catch(() => false)) return true;
      await sleep(100);
    }
    return false;
  }

  it("deletes a resource renamed out of the path and restores it when renamed back in", async () => {
    await tenant("renames", { path: "config", deletions: "delete", debounceMs: 50 });
    expect((await api("PUT", "/renames/resources/models/orders", { body: model })).status).toBe(201);
    const repo = join(server.dataDir, "repos", "renames.git");
    const checkout = join(work, "renames");
    expect(await until(async () => gitAsAda(work, ["--git-dir", repo, "ls-tree", "-r", "--name-only", "main"]).includes("config/models/orders.yaml"))).toBe(true);
    gitAsAda(work, ["clone", "-q", repo, checkout]);

    gitAsAda(checkout, ["mv", "config/models/orders.yaml", "attic-orders.yaml"]);
    gitAsAda(checkout, ["commit", "-qm", "Set orders aside"]);
    gitAsAda(checkout, ["push", "-q", "origin", "main"]);
    expect(await until(async () => (await api("GET", "/renames/resources/models/orders")).status === 404)).toBe(true);

    gitAsAda(checkout, ["mv", "attic-orders.yaml", "config/models/orders.yaml"]);
    gitAsAda(checkout, ["commit", "-qm", "Bring orders back"]);
    gitAsAda(checkout, ["push", "-q", "origin", "main"]);
    expect(await until(async () => (await api("GET", "/renames/resources/models/orders")).status === 200)).toBe(true);
    expect((await api("GET", "/renames/resources/models/orders")).body).toMatchObject({ body: { tableName: "sales.orders" }, updatedBy: "Ada <ada@example.com>" });
  }, 120_000);

  it("uses the connection's own base URL before GITLAB_BASE_URL, which is the default", async () => {
    const own = await recordingGitLab();
    try {
      await tenant("own-url", { provider: "gitlab", repository: "group/own", baseUrl: own.url, token: "glpat-own" });
      await tenant("default-url", { provider: "gitlab", repository: "group/fallback", token: "glpat-default" });
      const mine = await api("POST", "/own-url/git/test");
      const theirs = await api("POST", "/default-url/git/test");
      expect(mine.body.results).toContainEqual({ check: "branch", ok: true, message: `branch main is at ${HEAD.slice(0, 12)}` });
      expect(theirs.body.results).toContainEqual({ check: "branch", ok: true, message: `branch main is at ${HEAD.slice(0, 12)}` });
      expect(own.paths.some((p) => p.includes("group%2Fown"))).toBe(true);
      expect(own.paths.some((p) => p.includes("group%2Ffallback"))).toBe(false);
      expect(fallback.paths.some((p) => p.includes("group%2Ffallback"))).toBe(true);
      expect(fallback.paths.some((p) => p.includes("group%2Fown"))).toBe(false);
      expect(mine.body.results).toContainEqual({ check: "webhooks", ok: true, message: "gitlab webhooks are verified with the configured secret" });
    } finally {
      await own.close();
    }
  }, 60_000);

  it("verifies GitLab and Bitbucket deliveries with the server's receivers and refuses forged ones", async () => {
    const note = { object_kind: "note" };
    const forged = await callBuilt(server, "POST", "/webhooks/gitlab", { token: null, body: note, headers: { "x-gitlab-token": "guess", "x-gitlab-event": "Note Hook" } });
    expect(forged.status).toBe(401);
    const ignored = await callBuilt(server, "POST", "/webhooks/gitlab", { token: null, body: note, headers: { "x-gitlab-token": GITLAB_SECRET, "x-gitlab-event": "Note Hook" } });
    expect(ignored).toMatchObject({ status: 202, body: { accepted: false } });

    const raw = JSON.stringify({ repository: { full_name: "acme/none" } });
    const signature = (secret: string) => `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
    const headers = (secret: string) => ({ "content-type": "application/json", "x-hub-signature": signature(secret), "x-event-key": "issue:created", "x-request-uuid": "e2e-kit-1" });
    expect((await callBuilt(server, "POST", "/webhooks/bitbucket", { token: null, raw, headers: headers("wrong") })).status).toBe(401);
    expect(await callBuilt(server, "POST", "/webhooks/bitbucket", { token: null, raw, headers: headers(BITBUCKET_SECRET) })).toMatchObject({ status: 202, body: { accepted: false } });
    // The local hook's receiver too: an unsigned delivery is refused.
    expect((await callBuilt(server, "POST", "/webhooks/local", { token: null, raw: "{}" })).status).toBe(401);
  }, 60_000);
});
