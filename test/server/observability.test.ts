import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationLabel } from "../../src/core/metrics.js";
import { createTokenOctokit } from "../../src/providers/github/index.js";
import { countingFetch, githubRequestCounter } from "../../src/providers/request-metrics.js";
import { loadConfig } from "../../src/server/config.js";
import { prettyLine } from "../../src/server/log-pretty.js";
import { createLogger } from "../../src/server/logger.js";
import { ServerMetrics } from "../../src/server/metrics.js";

/** A stand-in forge on loopback: answers 200 with `{}`, or 404 under /missing. */
let forge: Server;
let forgeUrl: string;
beforeAll(async () => {
  forge = createServer((req, res) => {
    const status = req.url?.includes("/missing") ? 404 : 200;
    res.writeHead(status, { "content-type": "application/json" }).end(status === 200 ? "{}" : '{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => forge.listen(0, "127.0.0.1", resolve));
  forgeUrl = `http://127.0.0.1:${(forge.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => forge.close(() => resolve())));

function capture(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString("utf8");
      done();
    },
  });
  return { stream, text: () => text };
}

describe("the logger", () => {
  it("writes JSON lines with an ISO time and censors secret fields", () => {
    const out = capture();
    const log = createLogger(loadConfig({ LOG_FORMAT: "json", LOG_LEVEL: "info" }), out.stream);
    log.info({ tenant: "demo", token: "glpat-secret-1", connection: { credentials: { password: "p4ss" } } }, "outbound commit");
    log.debug({}, "below the level");
    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({ msg: "outbound commit", tenant: "demo", token: "[redacted]" });
    expect(new Date(record.time).toISOString()).toBe(record.time);
    expect(out.text()).not.toContain("glpat-secret-1");
    expect(out.text()).not.toContain("p4ss");
  });

  it("writes one line per record in pretty format, with the time first", async () => {
    const out = capture();
    const log = createLogger(loadConfig({ LOG_FORMAT: "pretty", LOG_LEVEL: "info" }), out.stream);
    log.info({ tenant: "demo", commit: "abc123", counts: { create: 1 } }, "inbound push applied");
    log.warn({ tenant: "demo", secret: "s3cr3t" }, "sync conflict");
    await new Promise((resolve) => setImmediate(resolve));
    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}inbound push applied tenant=demo commit=abc123 counts=\{"create":1\}$/);
    expect(lines[1]).toContain("WARN  sync conflict tenant=demo secret=[redacted]");
  });

  it("defaults to JSON off a terminal and to pretty on one", () => {
    expect(loadConfig({}, "/", false).log.format).toBe("json");
    expect(loadConfig({}, "/", true).log.format).toBe("pretty");
    expect(loadConfig({ LOG_FORMAT: "json" }, "/", true).log.format).toBe("json");
  });

  it("leaves a line that is not JSON as it is", () => {
    expect(prettyLine("plain text")).toBe("plain text");
  });
});

describe("provider request metrics", () => {
  it("labels operations by the API's own words, never by names, shas or paths", () => {
    const words = new Set(["projects", "repository", "files", "raw"]);
    expect(operationLabel("get", "/projects/acme%2Fconfig/repository/files/models%2Fa.yaml/raw?ref=main", words)).toBe(
      "GET /projects/{}/repository/files/{}/raw",
    );
    expect(operationLabel("GET", "/projects/7/repository/files/models/deep/a.yaml", words)).toBe("GET /projects/{}/repository/files/{}…");
  });

  it("counts GitLab and Bitbucket requests through the fetch their clients use, with status", async () => {
    const metrics = new ServerMetrics(async () => ({}));
    const gitlab = countingFetch("gitlab", metrics);
    await gitlab(`${forgeUrl}/api/v4/projects/acme%2Fconfig/repository/branches/main`);
    await gitlab(`${forgeUrl}/api/v4/projects/acme%2Fconfig/repository/branches/missing`, { method: "GET" });
    const bitbucket = countingFetch("bitbucket", metrics);
    await bitbucket(`${forgeUrl}/2.0/repositories/ws/slug/src/0123abc/models/a.yaml`, { method: "POST" });
    await expect(countingFetch("bitbucket", metrics)("http://127.0.0.1:1/2.0/repositories/ws/slug")).rejects.toThrow();
    const text = (await metrics.text()).body;
    expect(text).toContain('gitsync_provider_requests_total{provider="gitlab",operation="GET /api/v4/projects/{}/repository/branches/{}",status="200"} 1');
    expect(text).toContain('gitsync_provider_requests_total{provider="gitlab",operation="GET /api/v4/projects/{}/repository/branches/{}",status="404"} 1');
    expect(text).toContain('gitsync_provider_requests_total{provider="bitbucket",operation="POST /2.0/repositories/{}/{}/src/{}…",status="200"} 1');
    expect(text).toContain('gitsync_provider_requests_total{provider="bitbucket",operation="GET /2.0/repositories/{}…",status="error"} 1');
    expect(text).not.toContain("acme");
  });

  it("counts GitHub requests through an Octokit hook, by endpoint template, once per client", async () => {
    const metrics = new ServerMetrics(async () => ({}));
    const count = githubRequestCounter(metrics);
    const octokit = count(count(createTokenOctokit({ token: "ghp_test_token", baseUrl: forgeUrl, retry: { retries: 0 } })));
    await octokit.rest.git.getRef({ owner: "acme", repo: "config", ref: "heads/main" });
    await expect(octokit.rest.pulls.get({ owner: "acme", repo: "missing", pull_number: 1 })).rejects.toThrow();
    const text = (await metrics.text()).body;
    expect(text).toContain('gitsync_provider_requests_total{provider="github",operation="GET /repos/{owner}/{repo}/git/ref/{ref}",status="200"} 1');
    expect(text).toContain('gitsync_provider_requests_total{provider="github",operation="GET /repos/{owner}/{repo}/pulls/{pull_number}",status="404"} 1');
    expect(text).not.toContain("ghp_test_token");
  });

  it("reports the queue depth read at each scrape, by kind", async () => {
    let depth = { outbound: 2, snapshot: 0 };
    const metrics = new ServerMetrics(async () => depth);
    expect((await metrics.text()).body).toContain('gitsync_job_queue_depth{kind="outbound"} 2');
    depth = { outbound: 0, snapshot: 1 };
    const text = (await metrics.text()).body;
    expect(text).toContain('gitsync_job_queue_depth{kind="outbound"} 0');
    expect(text).toContain('gitsync_job_queue_depth{kind="snapshot"} 1');
  });
});
