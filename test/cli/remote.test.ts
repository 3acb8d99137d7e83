import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/api-client.js";
import { run as runImport } from "../../src/cli/import.js";
import { run as runJobs } from "../../src/cli/jobs.js";
import { run as runResync } from "../../src/cli/resync.js";
import { run as runSnapshot } from "../../src/cli/snapshot.js";
import { run as runStatus } from "../../src/cli/status.js";
import { run as runSync } from "../../src/cli/sync.js";

/**
 * The remote commands in this process against a small loopback server that answers the API's
 * shapes (and its errors), recording what each command asked for.
 */

const TOKEN = "gs_cli_test_token_do_not_print_4242";
const SHA = "0123456789abcdef0123456789abcdef01234567";

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}
type Reply = { status: number; body?: unknown; raw?: string };
type Handler = (seen: Seen) => Reply;

class FakeApi {
  readonly seen: Seen[] = [];
  readonly routes = new Map<string, Handler>();
  private server: Server | null = null;
  url = "";

  on(method: string, path: string, handler: Handler | Reply): this {
    this.routes.set(`${method} ${path}`, typeof handler === "function" ? handler : () => handler);
    return this;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    const seen: Seen = { method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization, body: text === "" ? undefined : JSON.parse(text) };
    this.seen.push(seen);
    const handler = this.routes.get(`${seen.method} ${seen.path}`);
    const reply: Reply = handler
      ? handler(seen)
      : { status: 404, body: { error: { code: "not_found", message: `no route ${seen.path.split("?")[0]}`, details: null } } };
    if (reply.raw !== undefined) {
      res.writeHead(reply.status, { "content-type": "text/html" }).end(reply.raw);
      return;
    }
    res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
  }
}

interface Captured extends Io {
  out: () => string;
  err: () => string;
  sleeps: number[];
}

function io(env: Record<string, string | undefined>): Captured {
  let out = "";
  let err = "";
  const sleeps: number[] = [];
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    out: () => out,
    err: () => err,
    sleeps,
  };
}

function logEntry(over: Record<string, unknown>) {
  return {
    id: 7,
    tenant: "acme",
    direction: "SNAPSHOT",
    status: "queued",
    commitSha: null,
    branch: null,
    prUrl: null,
    author: "Ada",
    files: [],
    resources: [],
    error: null,
    createdAt: "2026-11-23T12:00:00.000Z",
    updatedAt: "2026-11-23T12:00:00.000Z",
    ...over,
  };
}

describe("gitsync remote commands", () => {
  let api: FakeApi;
  let env: Record<string, string | undefined>;

  beforeEach(async () => {
    api = new FakeApi();
    await api.start();
    env = { GITSYNC_URL: api.url, GITSYNC_TOKEN: TOKEN, GITSYNC_TENANT: "acme" };
  });
  afterEach(async () => {
    await api.stop();
  });

  describe("sync", () => {
    it("posts to the tenant's sync route with the token and says what was committed", async () => {
      api.on("POST", "/api/v1/tenants/acme/sync", { status: 200, body: { status: "committed", sha: SHA, logId: 12 } });
      const c = io(env);
      expect(await runSync([], c)).toBe(0);
      expect(api.seen).toEqual([{ method: "POST", path: "/api/v1/tenants/acme/sync", authorization: `Bearer ${TOKEN}`, body: undefined }]);
      expect(c.out()).toBe(`acme: committed ${SHA.slice(0, 12)} (sync log #12)\n`);
      expect(c.err()).toBe("");
    });

    it("says why nothing was committed, and flags override the environment", async () => {
      api.on("POST", "/api/v1/tenants/other/sync", { status: 200, body: { status: "noop", reason: "no waiting changes" } });
      const c = io({ GITSYNC_URL: "http://127.0.0.1:1", GITSYNC_TOKEN: "wrong", GITSYNC_TENANT: "acme" });
      expect(await runSync(["--url", `${api.url}/`, "--token", TOKEN, "--tenant", "other"], c)).toBe(0);
      expect(api.seen[0]).toMatchObject({ path: "/api/v1/tenants/other/sync", authorization: `Bearer ${TOKEN}` });
      expect(c.out()).toBe("other: nothing committed: no waiting changes\n");
    });

    it("prints the server's answer as JSON with --json", async () => {
      const body = { status: "committed", sha: SHA, logId: 3 };
      api.on("POST", "/api/v1/tenants/acme/sync", { status: 200, body });
      const c = io(env);
      expect(await runSync(["--json"], c)).toBe(0);
      expect(JSON.parse(c.out())).toEqual(body);
    });

    it("uses the demo tenant when none is given", async () => {
      api.on("POST", "/api/v1/tenants/demo/sync", { status: 200, body: { status: "noop", reason: "nothing waits" } });
      const c = io({ GITSYNC_URL: api.url });
      expect(await runSync([], c)).toBe(0);
      expect(api.seen[0]).toMatchObject({ path: "/api/v1/tenants/demo/sync", authorization: undefined });
    });
  });

  describe("errors", () => {
    it("401: the server's message and a hint on stderr, exit 1, the token never printed", async () => {
      api.on("POST", "/api/v1/tenants/acme/sync", { status: 401, body: { error: { code: "unauthorized", message: "invalid or revoked token", details: null } } });
      const c = io(env);
      expect(await runSync([], c)).toBe(1);
      expect(c.out()).toBe("");
      expect(c.err()).toContain("gitsync sync: invalid or revoked token (unauthorized, HTTP 401)");
      expect(c.err()).toContain("the token was refused: check GITSYNC_TOKEN or --token");
      expect(c.err()).not.toContain(TOKEN);
    });

    it("401 without a token says to give one", async () => {
      api.on("GET", "/api/v1/tenants/acme/status", { status: 401, body: { error: { code: "unauthorized", message: "a token is required", details: null } } });
      api.on("GET", "/api/v1/tenants/acme/projects", { status: 401, body: { error: { code: "unauthorized", message: "a token is required", details: null } } });
      api.on("GET", "/api/v1/tenants/acme/log?limit=5", { status: 401, body: { error: { code: "unauthorized", message: "a token is required", details: null } } });
      const c = io({ GITSYNC_URL: api.url, GITSYNC_TENANT: "acme" });
      expect(await runStatus([], c)).toBe(1);
      expect(c.err()).toContain("no token given: set GITSYNC_TOKEN or pass --token");
    });

    it("404 of an unknown tenant is said in words", async () => {
      api.on("POST", "/api/v1/tenants/ghost/resync", { status: 404, body: { error: { code: "not_found", message: "tenant 'ghost' not found", details: { tenant: "ghost" } } } });
      const c = io(env);
      expect(await runResync(["--tenant", "ghost", "--direction", "to-git"], c)).toBe(1);
      expect(c.err()).toBe(`gitsync resync: tenant 'ghost' not found (not_found, HTTP 404)\n  details: {"tenant":"ghost"}\n`);
    });

    it("404 of a route the server lacks suggests a version mismatch", async () => {
      const c = io(env);
      expect(await runSync([], c)).toBe(1);
      expect(c.err()).toContain("no route /api/v1/tenants/acme/sync (not_found, HTTP 404)");
      expect(c.err()).toContain("is it a gitsync server of this version?");
    });

    it("501 says the server does not implement it", async () => {
      api.on("POST", "/api/v1/tenants/acme/snapshots", { status: 501, body: { error: { code: "not_implemented", message: "snapshots are not wired yet", details: null } } });
      const c = io(env);
      expect(await runSnapshot([], c)).toBe(1);
      expect(c.err()).toContain("snapshots are not wired yet (not_implemented, HTTP 501)");
      expect(c.err()).toContain("this server does not implement it");
    });

    it("an answer that is not the API's is named as such", async () => {
      api.on("POST", "/api/v1/tenants/acme/sync", { status: 502, raw: "<html>Bad Gateway</html>" });
      const c = io(env);
      expect(await runSync([], c)).toBe(1);
      expect(c.err()).toContain("POST /api/v1/tenants/acme/sync: HTTP 502 Bad Gateway (not a gitsync API answer");
    });

    it("a server that is not there: connection refused, in words", async () => {
      const url = api.url;
      await api.stop();
      const c = io({ ...env, GITSYNC_URL: url });
      expect(await runSync([], c)).toBe(1);
      expect(c.err()).toBe(`gitsync sync: cannot reach the gitsync server at ${url}: connection refused (is it running? set --url or GITSYNC_URL)\n`);
    });

    it.each([
      [["--bogus"], "Unknown option '--bogus'"],
      [["--tenant", "Not A Slug"], "tenant 'Not A Slug' is not a tenant slug"],
      [["--url", "ftp://example.invalid"], "--url must be an http(s) URL, not ftp:"],
      [["--url", "http://user:secret@127.0.0.1:9"], "--url must not carry a user or password"],
      [["extra"], "Unexpected argument 'extra'"],
    ])("usage error %j exits 2 and asks nothing of the server", async (argv, message) => {
      const c = io(env);
      expect(await runSync(argv, c)).toBe(2);
      expect(c.err()).toContain(message);
      expect(c.err()).toContain("usage: gitsync sync");
      expect(c.err()).not.toContain("secret");
      expect(api.seen).toEqual([]);
    });

    it("--help prints the usage and exits 0", async () => {
      const c = io(env);
      expect(await runImport(["--help"], c)).toBe(0);
      expect(c.out()).toContain("usage: gitsync import --ref <branch|sha>");
      expect(c.out()).toContain("--token TOKEN");
      expect(api.seen).toEqual([]);
    });
  });

  describe("snapshot", () => {
    it("follows the snapshot every 500 ms and prints each status change up to the pull request", async () => {
      api.on("POST", "/api/v1/tenants/acme/snapshots", { status: 202, body: logEntry({ status: "queued" }) });
      const states = [
        logEntry({ status: "queued" }),
        logEntry({ status: "syncing" }),
        logEntry({ status: "syncing" }),
        logEntry({ status: "done", branch: "acme/2026.11.23.1", commitSha: SHA, prUrl: "http://127.0.0.1/pulls/3", files: ["models/orders.yaml"] }),
      ];
      let poll = 0;
      api.on("GET", "/api/v1/tenants/acme/snapshots/7", () => ({ status: 200, body: states[poll++] }));
      const c = io(env);
      expect(await runSnapshot([], c)).toBe(0);
      expect(c.sleeps).toEqual([500, 500, 500, 500]);
      expect(c.out()).toBe(
        [
          "acme: snapshot #7 queued",
          "acme: snapshot #7 syncing",
          `acme: snapshot #7 done on branch acme/2026.11.23.1 at ${SHA.slice(0, 12)} (1 file(s))`,
          "  pull request: http://127.0.0.1/pulls/3",
          "",
        ].join("\n"),
      );
    });

    it("nothing to sync: skipped, exit 0", async () => {
      api.on("POST", "/api/v1/tenants/acme/snapshots", { status: 202, body: logEntry({ status: "queued" }) });
      api.on("GET", "/api/v1/tenants/acme/snapshots/7", { status: 200, body: logEntry({ status: "skipped", error: "nothing to sync: the branch already holds the tenant" }) });
      const c = io(env);
      expect(await runSnapshot([], c)).toBe(0);
      expect(c.out()).toContain("acme: snapshot #7 skipped: nothing to sync: the branch already holds the tenant\n");
    });

    it("a failed snapshot prints its error and exits 1", async () => {
      api.on("POST", "/api/v1/tenants/acme/snapshots", { status: 202, body: logEntry({ status: "queued" }) });
      api.on("GET", "/api/v1/tenants/acme/snapshots/7", { status: 200, body: logEntry({ status: "failed", error: "branch main does not exist" }) });
      const c = io(env);
      expect(await runSnapshot([], c)).toBe(1);
      expect(c.out()).toContain("acme: snapshot #7 failed: branch main does not exist\n");
    });

    it("--no-wait returns once queued; --json prints the entry", async () => {
      const queued = logEntry({ status: "queued" });
      api.on("POST", "/api/v1/tenants/acme/snapshots", { status: 202, body: queued });
      const c = io(env);
      expect(await runSnapshot(["--no-wait", "--json"], c)).toBe(0);
      expect(JSON.parse(c.out())).toEqual(queued);
      expect(api.seen.map((s) => s.method)).toEqual(["POST"]);
      expect(c.sleeps).toEqual([]);
    });
  });

  describe("import", () => {
    it("sends ref, source, prune and dryRun and prints the plan grouped by project", async () => {
      api.on("POST", "/api/v1/tenants/acme/imports", {
        status: 200,
        body: {
          status: "planned",
          sha: SHA,
          logId: null,
          plan: {
            items: [
              { action: "create", kind: "model", name: "orders", project: "sales" },
              { action: "update", kind: "sync", name: "orders-to-crm", project: "sales", fields: ["schedule.every", "config.object"] },
              { action: "create", kind: "python-environment", name: "ml", project: null, restored: true },
              { action: "archive", kind: "job", name: "nightly", project: "etl" },
            ],
            counts: { create: 2, update: 1, delete: 0, archive: 1, keep: 0 },
          },
        },
      });
      const c = io(env);
      expect(await runImport(["--ref", "main", "--source", "dev", "--prune", "--dry-run"], c)).toBe(0);
      expect(api.seen[0]!.body).toEqual({ ref: "main", source: "dev", prune: true, dryRun: true });
      expect(c.out()).toBe(
        [
          `import of main (${SHA.slice(0, 12)}) of dev into acme (dry run, nothing changed):`,
          "  etl",
          "    archive job nightly",
          "  sales",
          "    create model orders",
          "    update sync orders-to-crm: schedule.every, config.object",
          "  (no project)",
          "    restore python-environment ml",
          "  2 to create, 1 to update, 1 to archive",
          "",
        ].join("\n"),
      );
    });

    it("sends only the ref when no option is given, and says an empty plan", async () => {
      api.on("POST", "/api/v1/tenants/acme/imports", {
        status: 200,
        body: { status: "applied", sha: SHA, logId: 9, plan: { items: [], counts: { create: 0, update: 0, delete: 0, archive: 0, keep: 0 } } },
      });
      const c = io(env);
      expect(await runImport(["--ref", SHA], c)).toBe(0);
      expect(api.seen[0]!.body).toEqual({ ref: SHA });
      expect(c.out()).toContain("imported");
      expect(c.out()).toContain("(sync log #9)");
      expect(c.out()).toContain(`no changes: acme already holds what ${SHA} has`);
    });

    it("invalid source: diagnostics as file:line:col lines, exit 1", async () => {
      api.on("POST", "/api/v1/tenants/acme/imports", {
        status: 200,
        body: {
          status: "invalid",
          sha: SHA,
          logId: 4,
          diagnostics: [
            { file: "models/orders.yaml", line: 3, column: 9, code: "schema", severity: "error", message: "type must be one of raw_sql, table, dbt_model" },
            { file: "jobs/a.yaml", line: 1, column: 1, code: "cycle", severity: "error", message: "dependsOn forms a cycle: a → b → a" },
          ],
        },
      });
      const c = io(env);
      expect(await runImport(["--ref", "feature/x"], c)).toBe(1);
      expect(c.out()).toBe(
        [
          "models/orders.yaml:3:9: error schema: type must be one of raw_sql, table, dbt_model",
          "jobs/a.yaml:1:1: error cycle: dependsOn forms a cycle: a → b → a",
          `import of feature/x (${SHA.slice(0, 12)}) into acme: 2 problem(s) in the source; nothing applied`,
          "",
        ].join("\n"),
      );
    });

    it("missing connections are listed, exit 1", async () => {
      api.on("POST", "/api/v1/tenants/acme/imports", { status: 200, body: { status: "missing-connections", sha: SHA, logId: 5, missing: ["hubspot", "warehouse"] } });
      const c = io(env);
      expect(await runImport(["--ref", "main", "--source", "dev"], c)).toBe(1);
      expect(c.out()).toContain("acme lacks these connections:\n  hubspot\n  warehouse\n");
    });

    it("--ref is required (exit 2, nothing asked)", async () => {
      const c = io(env);
      expect(await runImport([], c)).toBe(2);
      expect(c.err()).toContain("--ref <branch|sha> is required");
      expect(api.seen).toEqual([]);
    });
  });

  describe("resync", () => {
    it("to-git: says the commit", async () => {
      api.on("POST", "/api/v1/tenants/acme/resync", (seen) => ({
        status: 200,
        body: { status: "done", entry: logEntry({ id: 21, direction: "OUTBOUND", status: "done", commitSha: SHA, branch: "main", files: ["models/a.yaml", "models/b.yaml"] }), seen: seen.body },
      }));
      const c = io(env);
      expect(await runResync(["--direction", "to-git"], c)).toBe(0);
      expect(api.seen[0]!.body).toEqual({ direction: "to-git" });
      expect(c.out()).toBe(`resync to-git of acme: committed ${SHA.slice(0, 12)} to main (2 file(s), sync log #21)\n`);
    });

    it("from-git with an invalid branch prints the diagnostics and exits 1", async () => {
      api.on("POST", "/api/v1/tenants/acme/resync", {
        status: 200,
        body: {
          status: "invalid",
          entry: logEntry({ id: 22, direction: "INBOUND", status: "failed", commitSha: SHA }),
          diagnostics: [{ file: "syncs/x.yaml", line: 2, column: 8, code: "reference", severity: "error", message: "model 'nope' does not exist" }],
        },
      });
      const c = io(env);
      expect(await runResync(["--direction", "from-git"], c)).toBe(1);
      expect(c.out()).toBe(
        `syncs/x.yaml:2:8: error reference: model 'nope' does not exist\nresync from-git of acme: the branch at ${SHA.slice(0, 12)} has 1 problem(s); nothing applied\n`,
      );
    });

    it("the direction must be given and be one of two", async () => {
      for (const argv of [[], ["--direction", "sideways"]]) {
        const c = io(env);
        expect(await runResync(argv, c)).toBe(2);
        expect(c.err()).toMatch(/--direction/);
      }
      expect(api.seen).toEqual([]);
    });
  });

  describe("status", () => {
    beforeEach(() => {
      api.on("GET", "/api/v1/tenants/acme/status", {
        status: 200,
        body: {
          git: { provider: "github", repository: "acme/config", branch: "main", path: "tenants/acme", format: "yaml", outbound: "direct", debounceMs: 1000, deletions: "archive", baseUrl: null, hasToken: true },
          lastAppliedSha: SHA,
          lastCommittedSha: null,
          lastCommitAt: null,
          waiting: 2,
        },
      });
      api.on("GET", "/api/v1/tenants/acme/projects", {
        status: 200,
        body: {
          items: [
            { name: "sales", resources: 4, pendingChanges: { created: 1, updated: 2, deleted: 0 } },
            { name: null, resources: 1, pendingChanges: { created: 0, updated: 0, deleted: 0 } },
          ],
          pendingError: null,
        },
      });
      api.on("GET", "/api/v1/tenants/acme/log?limit=5", {
        status: 200,
        body: {
          items: [
            logEntry({ id: 9, direction: "INBOUND", status: "done", commitSha: SHA, author: "Bob", resources: ["model/orders"] }),
            logEntry({ id: 8, direction: "SNAPSHOT", status: "done", prUrl: "https://example.invalid/pull/1" }),
            logEntry({ id: 6, direction: "IMPORT", status: "failed", author: null, error: "missing connections: x; nothing applied" }),
          ],
          next: null,
        },
      });
    });

    it("prints a short report of git, projects and the recent log", async () => {
      const c = io(env);
      expect(await runStatus([], c)).toBe(0);
      expect(c.out()).toBe(
        [
          "tenant acme: github repository acme/config, branch main, folder tenants/acme (yaml, direct commits after 1000 ms, deletions: archive)",
          `  last applied commit:   ${SHA.slice(0, 12)}`,
          "  last gitsync commit:   (none)",
          "  waiting app changes:   2",
          "projects:",
          "  sales: 4 resource(s), pending: 1 created, 2 updated, 0 deleted",
          "  (no project): 1 resource(s), in sync",
          "last 5 sync log entries:",
          `  #9 2026-11-23T12:00:00.000Z INBOUND done ${SHA.slice(0, 12)} by Bob, 1 resource(s)`,
          "  #8 2026-11-23T12:00:00.000Z SNAPSHOT done (none) by Ada, 0 resource(s) https://example.invalid/pull/1",
          "  #6 2026-11-23T12:00:00.000Z IMPORT failed (none), 0 resource(s): missing connections: x; nothing applied",
          "",
        ].join("\n"),
      );
      expect(api.seen.map((s) => `${s.method} ${s.path}`).sort()).toEqual([
        "GET /api/v1/tenants/acme/log?limit=5",
        "GET /api/v1/tenants/acme/projects",
        "GET /api/v1/tenants/acme/status",
      ]);
    });

    it("--json gives one object with all three answers", async () => {
      const c = io(env);
      expect(await runStatus(["--json"], c)).toBe(0);
      const parsed = JSON.parse(c.out());
      expect(parsed).toMatchObject({ tenant: "acme", waiting: 2, lastAppliedSha: SHA, pendingError: null });
      expect(parsed.projects).toHaveLength(2);
      expect(parsed.log.map((e: { id: number }) => e.id)).toEqual([9, 8, 6]);
    });
  });

  describe("jobs", () => {
    const failed = {
      id: "7",
      kind: "webhook",
      tenant: "acme",
      lane: "acme",
      state: "failed",
      payload: {},
      attempts: 9,
      error: "GitLab GET /projects failed with 503",
      createdAt: "2026-11-23T12:00:00.000Z",
      runAt: "2026-11-23T12:00:00.000Z",
      finishedAt: "2026-11-23T12:10:00.000Z",
    };

    it("lists the tenant's failed jobs with their errors", async () => {
      api.on("GET", "/api/v1/tenants/acme/jobs?state=failed", { status: 200, body: { items: [failed] } });
      const c = io(env);
      expect(await runJobs(["--state", "failed"], c)).toBe(0);
      expect(c.out()).toBe("7 webhook failed, 9 tries, created 2026-11-23T12:00:00.000Z: GitLab GET /projects failed with 503\n");
    });

    it("retries a job by id, and says why the server refused one", async () => {
      api.on("POST", "/api/v1/tenants/acme/jobs/7/retry", { status: 202, body: { ...failed, state: "queued", attempts: 0 } });
      api.on("POST", "/api/v1/tenants/acme/jobs/8/retry", {
        status: 409,
        body: { error: { code: "conflict", message: "job 8 is done: only a failed job can be retried" } },
      });
      const ok = io(env);
      expect(await runJobs(["retry", "7"], ok)).toBe(0);
      expect(ok.out()).toBe("job 7 (webhook) queued again\n");
      const refused = io(env);
      expect(await runJobs(["retry", "8"], refused)).toBe(1);
      expect(refused.err()).toContain("only a failed job can be retried");
      const usage = io(env);
      expect(await runJobs(["retry"], usage)).toBe(2);
    });
  });
});
