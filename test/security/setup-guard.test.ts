import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/core/store.js";
import { errorBody } from "../../src/server/http.js";
import { checkAppSettings, checkSetupAccess } from "../../src/server/setup-guard.js";
import { openStore } from "../../src/store/index.js";
import { testAppKey } from "../helpers/rsa-key.js";

/** A server whose only answer is whether checkSetupAccess lets the request in. */
async function gate(store: Store): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    checkSetupAccess(store, req).then(
      () => res.writeHead(200).end("in"),
      (error: unknown) => res.writeHead(errorBody(error).status).end("out"),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/probot`, server };
}

describe("who may reach the setup pages", () => {
  let dir: string;
  let store: Store;
  let served: { url: string; server: Server };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "gitsync-sec-guard-"));
    store = await openStore({ databaseUrl: null, dataDir: dir, secretKey: Buffer.alloc(32, 7) });
    served = await gate(store);
  });
  afterEach(async () => {
    served.server.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("with no admin yet: the machine itself only", async () => {
    expect((await fetch(served.url)).status).toBe(200);
    const remote = { headers: {}, socket: { remoteAddress: "203.0.113.9" } } as unknown as IncomingMessage;
    await expect(checkSetupAccess(store, remote)).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("once an admin exists: an admin token only, as Bearer or Basic password", async () => {
    const admin = await store.createUser({ name: "Ada", email: "ada@example.com", role: "admin" });
    const viewer = await store.createUser({ name: "Vi", email: "vi@example.com", role: "viewer" });
    await store.createToken({ userId: admin.id, label: "a", role: "admin", secret: "gs_admin_secret_0123456789" });
    await store.createToken({ userId: viewer.id, label: "v", role: "viewer", secret: "gs_viewer_secret_0123456789" });
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`any:${password}`).toString("base64")}` });
    expect((await fetch(served.url)).status).toBe(401);
    expect((await fetch(served.url, { headers: { authorization: "Bearer gs_admin_secret_0123456789" } })).status).toBe(200);
    expect((await fetch(served.url, { headers: basic("gs_admin_secret_0123456789") })).status).toBe(200);
    expect((await fetch(served.url, { headers: basic("gs_viewer_secret_0123456789") })).status).toBe(403);
    expect((await fetch(served.url, { headers: basic("") })).status).toBe(401);
    expect((await fetch(served.url, { headers: basic("gs_unknown_0123456789") })).status).toBe(401);
  });
});

describe("App settings checked before they are written", () => {
  const pem = testAppKey();

  it("accepts what Probot's import and manifest flows write", () => {
    expect(() => checkAppSettings({ APP_ID: "12345", PRIVATE_KEY: `"${pem}"`, WEBHOOK_SECRET: "s" })).not.toThrow();
    expect(() => checkAppSettings({ APP_ID: "12345", PRIVATE_KEY: pem.replace(/\n/g, "\\n"), GITHUB_CLIENT_ID: "Iv1.x" })).not.toThrow();
  });

  it("refuses each bad field by its form name, never quoting the value", () => {
    const cases: [Record<string, string>, string][] = [
      [{ APP_ID: "12a; rm -rf", PRIVATE_KEY: pem, WEBHOOK_SECRET: "s" }, "appId"],
      [{ APP_ID: "1", PRIVATE_KEY: '"-----BEGIN KEY-----secret-garbage"', WEBHOOK_SECRET: "s" }, "pem"],
      [{ APP_ID: "1", PRIVATE_KEY: pem, WEBHOOK_SECRET: "  " }, "webhook_secret"],
    ];
    for (const [env, field] of cases) {
      let message = "";
      try {
        checkAppSettings(env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message.startsWith(`${field}: `), message).toBe(true);
      expect(message).not.toContain("garbage");
      expect(message).not.toContain("rm -rf");
    }
  });
});
