import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/*
 * The built server checking a Bitbucket pull request, against a loopback stand-in for the
 * Bitbucket API. The webhook names the head by a 12-character hash; the build status, the Code
 * Insights report and the rest must go to the full 40-character sha, and the status must carry
 * the source branch as `refname` so Bitbucket shows it on the pull request.
 */

const SECRET = "e2e-bitbucket-hook";
const REPO = "/repositories/acme/config";
const HEAD = "abcdef012345".padEnd(40, "6");
const BASE = "0123456789ab".padEnd(40, "c");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Seen {
  method: string;
  path: string;
  body: string;
}

/** Answers the requests a check of a pull request that changes only a README makes. */
async function fakeBitbucket(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://bitbucket");
      seen.push({ method: req.method ?? "?", path: url.pathname, body: Buffer.concat(chunks).toString("utf8") });
      const json = (status: number, payload: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      const route = `${req.method} ${url.pathname.slice(REPO.length)}`;
      if (route.startsWith("GET /diffstat/")) {
        return json(200, { pagelen: 500, values: [{ type: "diffstat", status: "modified", old: { path: "README.md" }, new: { path: "README.md" } }] });
      }
      if (route === `GET /commit/${HEAD.slice(0, 12)}`) return json(200, { type: "commit", hash: HEAD });
      if (route.startsWith("POST /commit/") && route.endsWith("/statuses/build")) return json(201, { type: "build", key: "gitsync", state: "SUCCESSFUL" });
      if (route.startsWith("PUT /commit/")) return json(200, { uuid: "{r}" });
      if (route === "GET /pullrequests/7/comments") return json(200, { pagelen: 100, values: [] });
      if (route === "POST /pullrequests/7/comments") return json(201, { id: 1, content: { raw: "" } });
      return json(404, { type: "error", error: { message: "Not found" } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("a Bitbucket pull request check from the built server", () => {
  let server: BuiltServer;

  beforeAll(async () => {
    server = await serveBuilt({ env: { BITBUCKET_WEBHOOK_SECRET: SECRET } });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("posts the status on the full sha with the source branch as refname", async () => {
    const bitbucket = await fakeBitbucket();
    try {
      expect((await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug: "bb", name: "bb" } })).status).toBe(201);
      const git = await callBuilt(server, "PUT", "/api/v1/tenants/bb/git", { body: { provider: "bitbucket", repository: "acme/config", baseUrl: bitbucket.url, token: "bb-e2e-token" } });
      expect(git.status).toBe(200);
      const payload = JSON.stringify({
        repository: { full_name: "acme/config" },
        pullrequest: {
          id: 7,
          source: { branch: { name: "docs/readme" }, commit: { hash: HEAD.slice(0, 12) } },
          destination: { branch: { name: "main" }, commit: { hash: BASE.slice(0, 12) } },
        },
      });
      const signature = `sha256=${createHmac("sha256", SECRET).update(payload).digest("hex")}`;
      const hook = await callBuilt(server, "POST", "/webhooks/bitbucket", {
        token: null,
        raw: payload,
        headers: { "content-type": "application/json", "x-hub-signature": signature, "x-event-key": "pullrequest:created", "x-request-uuid": "e2e-pr-7" },
      });
      expect(hook.status).toBeLessThan(300);
      let status: Seen | undefined;
      for (let i = 0; i < 100 && status === undefined; i++) {
        await sleep(100);
        status = bitbucket.seen.find((r) => r.method === "POST" && r.path.endsWith("/statuses/build"));
      }
      expect(status?.path).toBe(`${REPO}/commit/${HEAD}/statuses/build`);
      expect(JSON.parse(status?.body ?? "{}")).toMatchObject({ key: "gitsync", refname: "docs/readme", state: "SUCCESSFUL" });
      await sleep(300);
      const onCommits = bitbucket.seen.filter((r) => r.path.includes("/commit/") && r.method !== "GET");
      expect(onCommits.length).toBeGreaterThan(1);
      expect(onCommits.every((r) => r.path.includes(`/commit/${HEAD}/`))).toBe(true);
    } finally {
      await bitbucket.close();
    }
  }, 60_000);
});
