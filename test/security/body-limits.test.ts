import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "../e2e/built-server.js";
import { testAppKey } from "../helpers/rsa-key.js";
import { peakMemory, upload } from "./attack-http.js";

/*
 * The attacker sends webhook routes bodies far over any real delivery, declared or chunked, to
 * make the server hold them in memory. Every route answers 413 before reading (declared) or
 * as soon as the limit passes (chunked), and closes the connection.
 */

const MiB = 1024 * 1024;
const GITHUB_LIMIT = 25 * MiB;
const BODY_LIMIT = 1 * MiB;
const secrets = { GITLAB_WEBHOOK_SECRET: "gitlab-hook-secret", BITBUCKET_WEBHOOK_SECRET: "bitbucket-hook-secret" };
const githubHeaders = { "x-github-event": "push", "x-github-delivery": "attack", "x-hub-signature-256": `sha256=${"0".repeat(64)}` };

async function demoLogSize(server: BuiltServer): Promise<number> {
  const log = await callBuilt(server, "GET", "/api/v1/tenants/demo/log");
  expect(log.status).toBe(200);
  return JSON.stringify(log.body).length;
}

describe("webhook body limits of the built server (no GitHub App)", () => {
  let server: BuiltServer;
  beforeAll(async () => {
    server = await serveBuilt({ env: secrets });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("answers a declared 64 MiB body with 413 on every webhook route, reading almost none of it", async () => {
    const before = peakMemory(server.process.pid!);
    const logBefore = await demoLogSize(server);
    for (const path of ["/api/github/webhooks", "/webhooks/gitlab", "/webhooks/bitbucket", "/webhooks/local"]) {
      const result = await upload(`${server.url}${path}`, "declared", 64 * MiB, githubHeaders);
      expect(result.status, path).toBe(413);
      expect(result.sent, path).toBeLessThan(16 * MiB);
    }
    expect(peakMemory(server.process.pid!) - before).toBeLessThan(32 * MiB);
    expect(await demoLogSize(server)).toBe(logBefore);
  });

  it("cuts a chunked body off as soon as it passes the limit", async () => {
    for (const path of ["/webhooks/gitlab", "/webhooks/bitbucket", "/webhooks/local"]) {
      const result = await upload(`${server.url}${path}`, "chunked", 64 * MiB);
      expect(result.status, path).toBe(413);
      // What loopback socket buffers hold besides the limit; far below the 64 MiB sent at will.
      expect(result.sent, path).toBeLessThan(BODY_LIMIT + 16 * MiB);
    }
    expect((await callBuilt(server, "GET", "/healthz", { token: null })).status).toBe(200);
  });
});

describe("the GitHub webhook body limit with an App configured", () => {
  let server: BuiltServer;
  const webhookSecret = "github-hook-secret";
  beforeAll(async () => {
    const pem = testAppKey();
    server = await serveBuilt({ env: { APP_ID: "1234", PRIVATE_KEY: pem, WEBHOOK_SECRET: webhookSecret } });
    expect(server.output()).toContain(`"github":"app"`);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("refuses a declared 64 MiB delivery at once, and a chunked one past 25 MiB", async () => {
    const before = peakMemory(server.process.pid!);
    const declared = await upload(`${server.url}/api/github/webhooks`, "declared", 64 * MiB, githubHeaders);
    expect(declared.status).toBe(413);
    expect(declared.sent).toBeLessThan(16 * MiB);
    expect(peakMemory(server.process.pid!) - before).toBeLessThan(32 * MiB);
    const chunked = await upload(`${server.url}/api/github/webhooks`, "chunked", 80 * MiB, githubHeaders);
    expect(chunked.status).toBe(413);
    expect(chunked.sent).toBeLessThan(GITHUB_LIMIT + 16 * MiB);
  });

  it("still takes a signed delivery under the limit", async () => {
    const payload = JSON.stringify({ zen: "Keep it small.", hook_id: 3 });
    const signature = `sha256=${createHmac("sha256", webhookSecret).update(payload).digest("hex")}`;
    const answer = await callBuilt(server, "POST", "/api/github/webhooks", {
      token: null,
      raw: payload,
      headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": "d-small", "x-hub-signature-256": signature },
    });
    expect(answer.status).toBe(200);
  });
});
