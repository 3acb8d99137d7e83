import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { buildApp } from "../../src/server/app.js";
import { loadConfig } from "../../src/server/config.js";
import { validateResource } from "../../src/validation/index.js";
import { testAppKey } from "../helpers/rsa-key.js";
import { ADMIN_TOKEN, client, startServer, type TestServer } from "./harness.js";

const running: TestServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gitsync-first-"));
  dirs.push(dir);
  return dir;
}

async function start(env: Record<string, string>, dataDir: string, app = {}): Promise<TestServer> {
  const server = await startServer(env, { dataDir, app });
  running.push(server);
  return server;
}

describe("first start", () => {
  it("creates the data folder, the database, a key file and an admin token printed once, never logged", async () => {
    const dataDir = join(await tempDir(), "nested", "data");
    const first = await start({ GITSYNC_ADMIN_TOKEN: "", GITSYNC_SECRET_KEY: "" }, dataDir);
    expect(existsSync(join(dataDir, "gitsync.db"))).toBe(true);
    expect(existsSync(join(dataDir, "secret.key"))).toBe(true);
    expect(first.printed).toHaveLength(1);
    const token = /(gs_[A-Za-z0-9_-]{20,})/.exec(first.printed[0]!)?.[1];
    expect(token).toBeDefined();
    expect(first.printed[0]).toContain(`Open ${first.url}/`);
    expect(first.printed[0]).toContain("shown this once");
    expect(first.printed[0]).toContain(`Data (database, credential key, local repositories): ${dataDir}`);
    const call = client(first, token);
    expect((await call("GET", "/api/v1/tokens")).status).toBe(200);
    expect(first.logs()).not.toContain(token);
    expect(first.logs()).toContain("generated a credential encryption key");
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await start({ GITSYNC_ADMIN_TOKEN: "", GITSYNC_SECRET_KEY: "" }, dataDir);
    // Later starts print the banner again, without any token.
    expect(second.printed).toHaveLength(1);
    expect(second.printed[0]).toContain(`Open ${second.url}/`);
    expect(second.printed[0]).toContain("printed at the first start");
    expect(second.printed[0]).not.toMatch(/gs_[A-Za-z0-9_-]{20,}/);
    const again = client(second, token);
    const tenants = await again("GET", "/api/v1/tenants");
    expect(tenants.body.items.filter((t: { slug: string }) => t.slug === "demo")).toHaveLength(1);
    expect(second.logs()).not.toContain(token);
  });

  it("uses GITSYNC_ADMIN_TOKEN instead, and honours it when added later", async () => {
    const dataDir = await tempDir();
    const first = await start({}, dataDir);
    expect(first.printed).toHaveLength(1);
    expect(first.printed[0]).toContain("the admin token in GITSYNC_ADMIN_TOKEN");
    expect(first.printed[0]).not.toContain(ADMIN_TOKEN);
    expect((await client(first)("GET", "/api/v1/tokens")).status).toBe(200);
    await first.stop();
    running.splice(running.indexOf(first), 1);
    const later = "gs_added_later_0123456789abcdef";
    const second = await start({ GITSYNC_ADMIN_TOKEN: later }, dataDir);
    expect((await client(second, later)("GET", "/api/v1/tokens")).status).toBe(200);
    expect((await client(second, ADMIN_TOKEN)("GET", "/api/v1/tokens")).status).toBe(200);
  });

  it("makes a demo tenant with valid resources of every exported kind and two connections without credentials", async () => {
    const server = await start({}, await tempDir());
    const { store, catalog } = server.app;
    const resources = await store.listResources("demo");
    const exported = catalog.kinds().filter((k) => k.exported).map((k) => k.id);
    expect(new Set(resources.map((r) => r.kind))).toEqual(new Set(exported));
    const connections = await store.listConnections("demo");
    expect(connections).toHaveLength(2);
    expect(connections.every((c) => c.needsCredentials)).toBe(true);
    for (const resource of resources) {
      const diagnostics = validateResource({
        catalog,
        kind: resource.kind,
        name: resource.name,
        body: resource.body,
        current: resources.map((r) => ({ kind: r.kind, name: r.name, body: r.body })),
        connections: connections.map((c) => c.name),
      });
      expect(diagnostics, `${resource.kind} ${resource.name}`).toEqual([]);
    }
    const git = await store.getGitConnection("demo");
    expect(git.provider).toBe("local");
    // The first commit holds every resource and settles the rows the seed put in the outbox.
    expect(await store.pendingOutbox("demo")).toEqual([]);
    const local = server.app.registry.local;
    const head = await local.resolveRef({ repository: "demo" }, "main");
    expect(head).not.toBeNull();
    const files = await local.readFiles({ repository: "demo" }, head!, "");
    expect(files).toHaveLength(resources.length);
    expect((await store.getSyncState("demo")).lastAppliedSha).toBe(head);
  });

  it("answers /healthz 503 'starting' until the demo tenant's first commit is made", async () => {
    const dataDir = await tempDir();
    const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", GITSYNC_DATA_DIR: dataDir, GITSYNC_ADMIN_TOKEN: ADMIN_TOKEN, GITSYNC_SECRET_KEY: "a".repeat(64) });
    const app = await buildApp(config, { logger: pino({ level: "silent" }), print: () => undefined });
    // The first commit waits for the tenant's lock, held here until /healthz has been asked.
    let release!: () => void;
    void app.sync.locks.run("demo", () => new Promise<void>((resolve) => (release = resolve)));
    const listening = app.listen();
    try {
      while (!app.server.listening) await new Promise((resolve) => setTimeout(resolve, 5));
      const { port } = app.server.address() as AddressInfo;
      const early = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(early.status).toBe(503);
      expect(await early.json()).toEqual({ status: "starting", database: "up" });
      expect(await app.registry.local.resolveRef({ repository: "demo" }, "main")).toBeNull();
      release();
      await listening;
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(await app.registry.local.resolveRef({ repository: "demo" }, "main")).not.toBeNull();
    } finally {
      release();
      await listening.catch(() => undefined);
      await app.close();
    }
  });
});

describe("health and shutdown", () => {
  it("/healthz answers 503 when the database does not", async () => {
    const server = await start({}, await tempDir());
    const call = client(server);
    expect((await call("GET", "/healthz")).status).toBe(200);
    await server.app.store.close();
    const res = await call("GET", "/healthz");
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "unavailable", database: "down" });
  });

  it("/readyz answers 200 while the database answers, 503 after", async () => {
    const server = await start({}, await tempDir());
    const call = client(server);
    const ready = await call("GET", "/readyz", { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ok", database: "up", queue: "up" });
    await server.app.store.close();
    const res = await call("GET", "/readyz", { token: null });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: "unavailable", database: "down" });
  });

  it("close() finishes in-flight requests, then stops accepting and closes the store", async () => {
    let release!: () => void;
    let arrived!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const server = await start({}, await tempDir(), {
      routes: [
        {
          method: "GET",
          path: "/slow",
          access: "public",
          handler: async () => {
            arrived();
            await gate;
            return { status: 200, body: { done: true } };
          },
        },
      ],
    });
    const pending = fetch(`${server.url}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await inFlight;
    const closing = server.app.close();
    release();
    expect(await pending).toEqual({ status: 200, body: { done: true } });
    await closing;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await expect(server.app.store.ping()).rejects.toThrow();
  });
});

describe("GitHub through Probot", () => {
  it("without APP_ID offers Probot's manifest setup from app.yml beside the API, to an admin", async () => {
    const server = await start({}, await tempDir());
    expect(server.app.githubMode).toBe("setup");
    // Probot's own setup banner (pointing at this server's sign-in page) is replaced by gitsync's.
    expect(server.logs()).not.toContain("Welcome to Probot");
    expect(server.logs()).not.toContain("configure .env");
    expect(server.printed.join("")).toContain(`register the GitHub App at ${server.url}/probot`);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect((await fetch(`${server.url}/probot`)).status).toBe(401);
    const page = await fetch(`${server.url}/probot`, { headers: admin });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("manifest");
    expect(html).toContain("pull_requests");
    expect((await fetch(`${server.url}/probot/static/primer.css`, { headers: admin })).status).toBe(200);
    const pem = testAppKey();
    const imported = await fetch(`${server.url}/probot/import`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ appId: "12345", pem, webhook_secret: "whsec" }),
    });
    expect(imported.status).toBe(200);
    expect(server.envWrites).toEqual([{ APP_ID: "12345", PRIVATE_KEY: `"${pem}"`, WEBHOOK_SECRET: "whsec" }]);
    expect((await client(server)("GET", "/api/v1/tenants")).status).toBe(200);
  });

  it("with an App configured receives signed webhooks at /api/github/webhooks", async () => {
    const pem = testAppKey();
    const received: string[] = [];
    const server = await start({ APP_ID: "12345", PRIVATE_KEY: pem, WEBHOOK_SECRET: "hook-secret-abc" }, await tempDir(), {
      githubApp: (app: { onAny(fn: (event: { name: string }) => void): void }) => app.onAny((event) => void received.push(event.name)),
    });
    expect(server.app.githubMode).toBe("app");
    const payload = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
    const send = (signature: string) =>
      fetch(`${server.url}/api/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "ping",
          "x-github-delivery": "d-1",
          "x-hub-signature-256": signature,
        },
        body: payload,
      });
    // @octokit/webhooks answers a signature mismatch with 400 and does not deliver the event.
    expect((await send("sha256=" + "0".repeat(64))).status).toBe(400);
    expect(received).toEqual([]);
    const good = await send(`sha256=${createHmac("sha256", "hook-secret-abc").update(payload).digest("hex")}`);
    expect(good.status).toBe(200);
    expect(received).toEqual(["ping"]);
    expect((await fetch(`${server.url}/probot`)).status).toBe(404);
    expect(server.logs()).not.toContain("hook-secret-abc");
    expect(server.logs()).not.toContain(pem.split("\n")[1]);
  });
});
