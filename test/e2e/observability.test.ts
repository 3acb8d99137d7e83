import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitAsAda } from "./git.js";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/*
 * What an operator sees of the built server: JSON log lines with a time each, one per sync
 * event and none per probe, no secret anywhere in them, and /metrics moving with the work.
 */

const GIT_TOKEN = "glpat-e2e-git-token-5d1c2b3a";
const CREDENTIAL = "e2e-connection-password-9f8e7d";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: BuiltServer;
let work: string;

const git = gitAsAda;

interface Line {
  time: string;
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** Every stdout line, parsed: a line that is not JSON fails the test. */
function lines(): Line[] {
  return server
    .stdout()
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Line);
}

async function waitFor(what: string, test: (all: Line[]) => boolean): Promise<Line[]> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    const all = lines();
    if (test(all)) return all;
    await sleep(100);
  }
  throw new Error(`no ${what} in the log:\n${server.stdout()}`);
}

const count = (all: Line[], msg: string) => all.filter((l) => l.msg === msg).length;

/** A sample's value in Prometheus text, summed over the series whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-z_:]+)(\{.*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const set = match[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}

beforeAll(async () => {
  // Without the local pre-receive check, an invalid push lands and inbound refuses it, as on a
  // hosted forge: that refusal is one of the sync events logged here.
  server = await serveBuilt({ env: { LOG_FORMAT: "json", LOG_LEVEL: "debug", GITSYNC_LOCAL_PUSH_CHECK: "off" } });
  work = mkdtempSync(join(tmpdir(), "gitsync-e2e-observe-"));
}, 300_000);
afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("logs and metrics of the built server", () => {
  it("logs one JSON line per sync event, a time on each, none per probe; /metrics moves with the work", async () => {
    for (let i = 0; i < 5; i += 1) {
      expect((await callBuilt(server, "GET", "/healthz", { token: null })).status).toBe(200);
      expect((await callBuilt(server, "GET", "/readyz", { token: null })).status).toBe(200);
    }
    // The demo tenant's first commit, then an API write that gets committed.
    await waitFor("the demo tenant's first commit", (all) => count(all, "first commit: the tracked branch is created") === 1);
    const before = await callBuilt(server, "GET", "/metrics");
    expect(before.status).toBe(200);
    expect(before.headers.get("content-type")).toContain("text/plain");
    const put = await callBuilt(server, "PUT", "/api/v1/tenants/demo/resources/file-definitions/orders-csv", {
      body: { name: "orders-csv", type: "csv", filePath: "/landing/orders-v2", extension: "csv", delimiter: ";", hasHeader: true, encoding: "utf-8" },
    });
    expect(put.status).toBe(200);
    await waitFor("outbound commit of the write", (all) => count(all, "outbound commit") === 1);

    // A push through git, applied by the post-receive hook's webhook.
    const checkout = join(work, "demo");
    git(work, ["clone", "-q", join(server.dataDir, "repos", "demo.git"), checkout]);
    writeFileSync(
      join(checkout, "file-definitions", "pushed.yaml"),
      "name: pushed\ntype: json\nfilePath: /landing/pushed\nextension: json\n",
    );
    git(checkout, ["add", "-A"]);
    git(checkout, ["commit", "-qm", "A file definition from git"]);
    git(checkout, ["push", "-q", "origin", "main"]);
    await waitFor("inbound apply", (all) => count(all, "inbound push applied") >= 1);

    const after = (await callBuilt(server, "GET", "/metrics")).text;
    expect(sample(after, "gitsync_outbound_latency_seconds_count")).toBeGreaterThan(sample(before.text, "gitsync_outbound_latency_seconds_count"));
    expect(sample(after, "gitsync_inbound_latency_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(sample(after, "gitsync_webhook_deliveries_total", { provider: "local", outcome: "accepted" })).toBeGreaterThanOrEqual(1);
    const route = "/api/v1/tenants/{tenant}/resources/{kind}/{name}";
    expect(sample(after, "gitsync_http_request_duration_seconds_count", { method: "PUT", route, status: "200" })).toBe(1);
    // Route patterns only: no resource name or tenant ever becomes a label.
    expect(after).not.toContain("orders-csv");
    expect(after).toContain('gitsync_job_queue_depth{kind="outbound"}');

    const all = lines();
    for (const line of all) {
      expect(typeof line.time, JSON.stringify(line)).toBe("string");
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
    }
    const commits = all.filter((l) => l.msg === "outbound commit");
    expect(commits.every((l) => l.tenant === "demo" && typeof l.commit === "string" && typeof l.resources === "number")).toBe(true);
    const applied = all.find((l) => l.msg === "inbound push applied")!;
    expect(applied).toMatchObject({ tenant: "demo", commit: git(checkout, ["rev-parse", "HEAD"]), counts: { create: 1 } });
    // A request line per API call at debug level, none for the probes (nor the scrape).
    expect(all.some((l) => l.msg === "request" && l.route === route && l.level === 20)).toBe(true);
    expect(all.filter((l) => l.msg === "request" && ["/healthz", "/readyz", "/metrics"].includes(String(l.path)))).toEqual([]);
  }, 120_000);

  it("logs refused pushes, snapshots, merges, imports and resyncs, one line each", async () => {
    const checkout = join(work, "demo");
    writeFileSync(join(checkout, "file-definitions", "broken.yaml"), "name: broken\ntype: not-a-type\n");
    git(checkout, ["add", "-A"]);
    git(checkout, ["commit", "-qm", "An invalid file"]);
    git(checkout, ["push", "-q", "origin", "main"]);
    const refused = (await waitFor("refused push", (all) => count(all, "inbound push refused") === 1)).find((l) => l.msg === "inbound push refused")!;
    expect(refused).toMatchObject({ tenant: "demo", commit: git(checkout, ["rev-parse", "HEAD"]), files: 1 });
    expect(String(refused.reason)).toContain("validation error");
    git(checkout, ["rm", "-q", "file-definitions/broken.yaml"]);
    git(checkout, ["commit", "-qm", "Remove the invalid file"]);
    git(checkout, ["push", "-q", "origin", "main"]);
    // The invalid file was never applied, so removing it changes nothing in the tenant.
    await waitFor("skipped push", (all) => count(all, "inbound push skipped") >= 1);

    const resync = await callBuilt(server, "POST", "/api/v1/tenants/demo/resync", { body: { direction: "from-git" } });
    expect(resync.status).toBe(200);
    const imported = await callBuilt(server, "POST", "/api/v1/tenants/demo/imports", { body: { ref: "main" } });
    expect(imported.status).toBe(200);
    // A snapshot needs a difference: set the git connection to pull requests, then change a resource.
    const { hasToken: _, ...connection } = (await callBuilt(server, "GET", "/api/v1/tenants/demo/git")).body;
    expect((await callBuilt(server, "PUT", "/api/v1/tenants/demo/git", { body: { ...connection, outbound: "pull-request" } })).status).toBe(200);
    await callBuilt(server, "PUT", "/api/v1/tenants/demo/resources/file-definitions/pushed", {
      body: { name: "pushed", type: "json", filePath: "/landing/pushed-v2", extension: "json" },
    });
    expect((await callBuilt(server, "POST", "/api/v1/tenants/demo/snapshots")).status).toBe(202);
    const snapshot = (await waitFor("snapshot", (all) => count(all, "snapshot") === 1)).find((l) => l.msg === "snapshot")!;
    expect(snapshot).toMatchObject({ tenant: "demo", status: "done" });
    const pulls = (await callBuilt(server, "GET", "/api/v1/tenants/demo/pulls")).body;
    const number = pulls.items.find((p: { state: string }) => p.state === "open").number;
    expect((await callBuilt(server, "POST", `/api/v1/tenants/demo/pulls/${number}/merge`)).status).toBe(200);

    const all = await waitFor("merge", (l) => count(l, "merge") === 1);
    expect(all.filter((l) => l.msg === "resync")).toEqual([expect.objectContaining({ tenant: "demo", direction: "from-git", status: "done" })]);
    expect(all.filter((l) => l.msg === "import")).toEqual([expect.objectContaining({ tenant: "demo", ref: "main", status: "done" })]);
    expect(all.find((l) => l.msg === "merge")).toMatchObject({ tenant: "demo", pull: number });
  }, 120_000);

  it("never writes the admin token, a git token or a connection credential to the log", async () => {
    const tenant = await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug: "hosted", name: "Hosted" } });
    expect(tenant.status).toBe(201);
    const connection = await callBuilt(server, "POST", "/api/v1/tenants/hosted/connections", {
      body: { name: "warehouse", type: "postgres", host: "db.example.com", credentials: { password: CREDENTIAL } },
    });
    expect(connection.status).toBe(201);
    const gitPut = await callBuilt(server, "PUT", "/api/v1/tenants/hosted/git", {
      body: { provider: "gitlab", repository: "acme/config", branch: "main", path: "", format: "yaml", outbound: "direct", debounceMs: 1000, deletions: "archive", baseUrl: null, token: GIT_TOKEN },
    });
    expect(gitPut.status, gitPut.text).toBe(200);
    // Wrong and malformed tokens, and secrets in a query string and a bad body, on their failure paths too.
    expect((await callBuilt(server, "GET", `/api/v1/tenants?token=${GIT_TOKEN}`, { token: CREDENTIAL })).status).toBe(401);
    const bad = await callBuilt(server, "PUT", "/api/v1/tenants/hosted/git", { raw: `{"token": "${GIT_TOKEN}"`, headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(400);
    expect((await callBuilt(server, "GET", "/api/v1/tenants/hosted/connections/warehouse")).text).not.toContain(CREDENTIAL);

    const out = server.output();
    expect(out).toContain('"msg":"request"');
    for (const secret of [server.token, GIT_TOKEN, CREDENTIAL]) expect(out).not.toContain(secret);
  });

  it("refuses /metrics without the admin token", async () => {
    expect((await callBuilt(server, "GET", "/metrics", { token: null })).status).toBe(401);
    const viewer = await callBuilt(server, "POST", "/api/v1/tokens", { body: { label: "viewer", role: "viewer" } });
    expect((await callBuilt(server, "GET", "/metrics", { token: viewer.body.secret })).status).toBe(403);
  });
});

describe("metrics on their own port", () => {
  it("serves /metrics without auth on GITSYNC_METRICS_PORT only", async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const other = await serveBuilt({ env: { GITSYNC_METRICS_PORT: String(port), GITSYNC_DEMO: "false" } });
    try {
      const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain("# TYPE gitsync_webhook_deliveries_total counter");
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/tenants`)).status).toBe(404);
      expect((await callBuilt(other, "GET", "/metrics")).status).toBe(404);
    } finally {
      await other.stop();
    }
  });
});

describe("the first start", () => {
  it("prints one block with the URL, the token once, the data folder and how to connect forges; no Probot banner", async () => {
    const first = await serveBuilt({ env: { GITSYNC_ADMIN_TOKEN: "", LOG_FORMAT: "json" } });
    let token: string;
    try {
      const banner = first.stderr();
      token = /^\s+(gs_[A-Za-z0-9_-]{20,})$/m.exec(banner)?.[1] ?? "";
      expect(token).not.toBe("");
      expect(banner).toContain(`Open ${first.url}/ in a browser`);
      expect(banner).toContain(`Data (database, credential key, local repositories): ${first.dataDir}`);
      expect(banner).toContain(`register the GitHub App at ${first.url}/probot`);
      expect(banner).toContain("GITLAB_WEBHOOK_SECRET");
      expect(banner).toContain("BITBUCKET_WEBHOOK_SECRET");
      expect(first.output()).not.toContain("Welcome to Probot");
      expect(first.output()).not.toContain("configure .env");
      expect(first.stdout()).not.toContain(token);
      expect((await callBuilt({ url: first.url, token }, "GET", "/api/v1/tenants")).status).toBe(200);
    } finally {
      await first.kill();
    }
  });
});
