import { createHmac } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "../e2e/built-server.js";
import { testAppKey } from "../helpers/rsa-key.js";

/*
 * The attacker reaches a default install (no GitHub App configured) and tries Probot's setup
 * pages: registering their own App would make the server trust webhooks they sign.
 */

const attackerSecret = "attacker-webhook-secret";
const pemOf = testAppKey;
const importBody = (pem: string, secret = attackerSecret) => ({ appId: "4242", pem, webhook_secret: secret });

const ATTACKS: { method: string; path: string; body?: unknown }[] = [
  { method: "GET", path: "/probot" },
  { method: "GET", path: "/probot/import" },
  { method: "GET", path: "/probot/setup?code=stolen-code" },
  { method: "GET", path: "/probot/success" },
  { method: "GET", path: "/probot/static/primer.css" },
  { method: "GET", path: "/probot/static/robot.svg" },
  { method: "GET", path: "/probot/static/probot-head.svg" },
  { method: "GET", path: "/probot/anything-else" },
  { method: "POST", path: "/probot/import" },
  { method: "POST", path: "/probot" },
  { method: "PUT", path: "/probot/import" },
  { method: "DELETE", path: "/probot/import" },
];

function ping(url: string, secret: string) {
  const payload = JSON.stringify({ zen: "Design for failure.", hook_id: 7 });
  return fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "ping",
      "x-github-delivery": "attack-1",
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(payload).digest("hex")}`,
    },
    body: payload,
  });
}

describe("the GitHub App setup routes of the built server", () => {
  let server: BuiltServer;
  let cwd: string;
  let dataDir: string;
  let editorToken: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), "gitsync-sec-cwd-"));
    dataDir = await mkdtemp(join(tmpdir(), "gitsync-sec-data-"));
    server = await serveBuilt({ cwd, dataDir });
    const created = await callBuilt(server, "POST", "/api/v1/tokens", {
      body: { label: "an editor", role: "editor", user: { name: "Ed", email: "ed@example.com" } },
    });
    expect(created.status).toBe(201);
    editorToken = created.body.secret;
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await rm(cwd, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses every route under /probot without a token, and writes nothing", async () => {
    const pem = pemOf();
    for (const attack of ATTACKS) {
      const body = attack.method === "POST" || attack.method === "PUT" ? importBody(pem) : undefined;
      const answer = await callBuilt(server, attack.method, attack.path, { token: null, ...(body ? { body } : {}) });
      expect([401, 404], `${attack.method} ${attack.path}`).toContain(answer.status);
      expect(answer.text).not.toContain("manifest");
    }
    const challenge = await callBuilt(server, "GET", "/probot", { token: null });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("refuses a forged, an editor's and a wrong Basic token", async () => {
    const forged = await callBuilt(server, "POST", "/probot/import", { token: "gs_forged_token_0123456789", body: importBody(pemOf()) });
    expect(forged.status).toBe(401);
    const editor = await callBuilt(server, "POST", "/probot/import", { token: editorToken, body: importBody(pemOf()) });
    expect(editor.status).toBe(403);
    const basic = await callBuilt(server, "GET", "/probot", {
      token: null,
      headers: { authorization: `Basic ${Buffer.from(`admin:${editorToken}`).toString("base64")}` },
    });
    expect(basic.status).toBe(403);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("refuses a garbage key from an admin too, naming the field, and writes nothing", async () => {
    const answer = await callBuilt(server, "POST", "/probot/import", { body: importBody("-----BEGIN KEY-----\ngarbage\n") });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^pem: /);
    expect(answer.text).not.toContain("garbage");
    const notJson = await callBuilt(server, "POST", "/probot/import", { raw: "{", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("after the attacks, a restarted server is still in setup mode and takes no GitHub webhook", async () => {
    await server.stop();
    server = await serveBuilt({ cwd, dataDir });
    expect(server.output()).toContain(`"github":"setup"`);
    expect((await ping(server.url, attackerSecret)).status).toBe(404);
  }, 120_000);

  it("lets an admin in by Basic auth (a browser), writes .env 0600 once, then refuses", async () => {
    const basic = { authorization: `Basic ${Buffer.from(`admin:${server.token}`).toString("base64")}` };
    const page = await callBuilt(server, "GET", "/probot", { token: null, headers: basic });
    expect(page.status).toBe(200);
    expect(page.text).toContain("manifest");
    const pem = pemOf();
    const imported = await callBuilt(server, "POST", "/probot/import", { body: importBody(pem, "the-admins-secret") });
    expect(imported.status).toBe(200);
    const env = join(cwd, ".env");
    expect(statSync(env).mode & 0o777).toBe(0o600);
    const written = readFileSync(env, "utf8");
    expect(written).toContain("APP_ID=4242");
    // Configured: the pages refuse until a restart, so the settings cannot be replaced.
    const again = await callBuilt(server, "POST", "/probot/import", { body: importBody(pemOf()) });
    expect(again.status).toBe(404);
    expect(readFileSync(env, "utf8")).toBe(written);
    expect((await callBuilt(server, "GET", "/probot")).status).toBe(404);
  });

  it("once the App is configured (after a restart), /probot is gone and only its secret signs webhooks", async () => {
    await server.stop();
    server = await serveBuilt({ cwd, dataDir });
    expect(server.output()).toContain(`"github":"app"`);
    for (const attack of ATTACKS) {
      const answer = await callBuilt(server, attack.method, attack.path, attack.method === "POST" ? { body: importBody(pemOf()) } : {});
      expect(answer.status, `${attack.method} ${attack.path}`).toBe(404);
    }
    expect((await ping(server.url, attackerSecret)).status).toBe(400);
    expect((await ping(server.url, "the-admins-secret")).status).toBe(200);
    expect(existsSync(join(cwd, ".env"))).toBe(true);
  }, 120_000);
});
