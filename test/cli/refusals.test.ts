import { createServer, type Server } from "node:http";
import { mkdtemp, rename, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as runImport } from "../../src/cli/import.js";
import { run as runResync } from "../../src/cli/resync.js";
import { run as runSnapshot } from "../../src/cli/snapshot.js";
import { run as runStatus } from "../../src/cli/status.js";
import { run as runSync } from "../../src/cli/sync.js";
import type { Actor } from "../../src/core/index.js";
import { modelsIn } from "../server/fixtures.js";
import { ADMIN_TOKEN, client, startServer, type TestServer } from "../server/harness.js";
import { commitFiles, runGit } from "../helpers/working-copy.js";
import { io } from "./cli-io.js";

/**
 * The remote commands where things go wrong, against the real server in this process: refused
 * tokens, unknown tenants and routes, something else answering, nobody answering, bad command
 * lines, invalid branches and a snapshot that fails. Every message is the server's own.
 */

const pat: Actor = { name: "Pat Pusher", email: "pat@example.com" };
const model = modelsIn("sales");
const BROKEN_SYNC = "model: nowhere\ndestination: warehouse\nconfig: {}\nschedule: null\nschedulePaused: false\n";

let server: TestServer;
let call: ReturnType<typeof client>;
let env: Record<string, string>;
let work: string;
/** A proxy that answers every request with an HTML error page, counting what reached it. */
let gateway: { server: Server; url: string; hits: number };

const repo = () => join(server.dataDir, "repos", "acme.git");
const bare = (args: string[]) => runGit(work, ["--git-dir", repo(), ...args], pat);

/** Puts `files` on `branch` of acme's repository without its hooks, as a push while gitsync was away would. */
async function landWithoutHooks(branch: string, files: Record<string, string>, message: string): Promise<string> {
  const checkout = join(work, `clone-${branch.replaceAll("/", "-")}`);
  await rm(checkout, { recursive: true, force: true });
  runGit(work, ["clone", "-q", repo(), checkout], pat);
  await commitFiles(checkout, files, message, pat);
  bare(["fetch", "-q", checkout, `+HEAD:refs/heads/${branch}`]);
  return bare(["rev-parse", branch]);
}

async function startGateway(): Promise<typeof gateway> {
  const state = { server: createServer(), url: "", hits: 0 };
  state.server.on("request", (_req, res) => {
    state.hits += 1;
    res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad Gateway</html>");
  });
  await new Promise<void>((resolve) => state.server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

async function gitFields(tenant: string): Promise<Record<string, unknown>> {
  const { hasToken: _omit, ...fields } = (await call("GET", `/api/v1/tenants/${tenant}/git`)).body as Record<string, unknown>;
  return fields;
}

beforeAll(async () => {
  // No job retries: the failing snapshot below fails at once instead of after its backoff.
  server = await startServer({ GITSYNC_DEMO: "false", GITSYNC_JOB_RETRIES: "0" });
  call = client(server);
  work = await mkdtemp(join(tmpdir(), "gitsync-cli-"));
  gateway = await startGateway();
  env = { GITSYNC_URL: server.url, GITSYNC_TOKEN: ADMIN_TOKEN, GITSYNC_TENANT: "acme" };
  for (const slug of ["acme", "demo"]) {
    expect((await call("POST", "/api/v1/tenants", { body: { slug, name: slug } })).status).toBe(201);
  }
  expect((await call("POST", "/api/v1/tenants/acme/connections", { body: { name: "warehouse", type: "postgres" } })).status).toBe(201);
  // A long debounce: only `gitsync sync` commits, so each test knows what waits.
  expect((await call("PUT", "/api/v1/tenants/acme/git", { body: { ...(await gitFields("acme")), debounceMs: 3_600_000 } })).status).toBe(200);
  expect((await call("PUT", "/api/v1/tenants/acme/resources/models/orders", { body: model("orders") })).status).toBe(201);
  expect(await runSync([], io(env))).toBe(0);
});
afterAll(async () => {
  gateway?.server.close();
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

describe("refused and unanswered requests", () => {
  it("a wrong token: the server's words, a hint, exit 1, the token never printed", async () => {
    const c = io({ ...env, GITSYNC_TOKEN: "gs_wrong_token_do_not_print_4242" });
    expect(await runSync([], c)).toBe(1);
    expect(c.out()).toBe("");
    expect(c.err()).toBe(
      "gitsync sync: unknown or revoked token (unauthorized, HTTP 401)\n  the token was refused: check GITSYNC_TOKEN or --token\n",
    );
  });

  it("no token: says to give one", async () => {
    const c = io({ GITSYNC_URL: server.url, GITSYNC_TENANT: "acme" });
    expect(await runStatus([], c)).toBe(1);
    expect(c.err()).toContain("missing bearer token");
    expect(c.err()).toContain("no token given: set GITSYNC_TOKEN or pass --token");
  });

  it("an unknown tenant is said in words, with what to check", async () => {
    const c = io(env);
    expect(await runResync(["--tenant", "ghost", "--direction", "to-git"], c)).toBe(1);
    expect(c.err()).toContain("gitsync resync: no tenant ghost (not_found, HTTP 404)");
    expect(c.err()).toContain("check --tenant or GITSYNC_TENANT");
  });

  it("a URL that reaches the server but not its API suggests a version mismatch", async () => {
    const c = io({ ...env, GITSYNC_URL: `${server.url}/gitsync` });
    expect(await runSync([], c)).toBe(1);
    expect(c.err()).toContain("no route /gitsync/api/v1/tenants/acme/sync (not_found, HTTP 404)");
    expect(c.err()).toContain("is it a gitsync server of this version?");
  });

  it("an answer that is not the API's is named as such", async () => {
    const c = io({ ...env, GITSYNC_URL: gateway.url });
    expect(await runSync([], c)).toBe(1);
    expect(c.err()).toContain("POST /api/v1/tenants/acme/sync: HTTP 502 Bad Gateway (not a gitsync API answer");
  });

  it("a server that is not there: connection refused, in words", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const c = io({ ...env, GITSYNC_URL: url });
    expect(await runSync([], c)).toBe(1);
    expect(c.err()).toBe(`gitsync sync: cannot reach the gitsync server at ${url}: connection refused (is it running? set --url or GITSYNC_URL)\n`);
  });
});

describe("the command line", () => {
  it.each([
    [["--bogus"], "Unknown option '--bogus'"],
    [["--tenant", "Not A Slug"], "tenant 'Not A Slug' is not a tenant slug"],
    [["--url", "ftp://example.invalid"], "--url must be an http(s) URL, not ftp:"],
    [["--url", "http://user:secret@127.0.0.1:9"], "--url must not carry a user or password"],
    [["extra"], "Unexpected argument 'extra'"],
  ])("usage error %j exits 2 and asks nothing of the server", async (argv, message) => {
    const before = gateway.hits;
    const c = io({ ...env, GITSYNC_URL: gateway.url });
    expect(await runSync(argv, c)).toBe(2);
    expect(c.err()).toContain(message);
    expect(c.err()).toContain("usage: gitsync sync");
    expect(c.err()).not.toContain("secret");
    expect(gateway.hits).toBe(before);
  });

  it("--help prints the usage, exits 0 and asks nothing", async () => {
    const before = gateway.hits;
    const c = io({ ...env, GITSYNC_URL: gateway.url });
    expect(await runImport(["--help"], c)).toBe(0);
    expect(c.out()).toContain("usage: gitsync import --ref <branch|sha>");
    expect(c.out()).toContain("--token TOKEN");
    expect(gateway.hits).toBe(before);
  });

  it("flags override the environment", async () => {
    const c = io({ GITSYNC_URL: gateway.url, GITSYNC_TOKEN: "gs_wrong", GITSYNC_TENANT: "ghost" });
    expect(await runSync(["--url", `${server.url}/`, "--token", ADMIN_TOKEN, "--tenant", "acme"], c)).toBe(0);
    expect(c.out()).toMatch(/^acme: nothing committed: /);
  });

  it("the demo tenant when none is given", async () => {
    const c = io({ GITSYNC_URL: server.url, GITSYNC_TOKEN: ADMIN_TOKEN });
    expect(await runSync([], c)).toBe(0);
    expect(c.out()).toMatch(/^demo: nothing committed: /);
  });
});

describe("branches and snapshots the server refuses", () => {
  it("import of an invalid branch: diagnostics as file:line:col lines, nothing applied", async () => {
    const sha = await landWithoutHooks("feature/x", { "syncs/broken.yaml": BROKEN_SYNC }, "A sync of nothing");
    const c = io(env);
    expect(await runImport(["--ref", "feature/x"], c)).toBe(1);
    expect(c.out()).toMatch(/^syncs\/broken\.yaml:1:8: error missing-reference: model 'nowhere'/);
    expect(c.out()).toContain(`import of feature/x (${sha.slice(0, 12)}) into acme: 1 problem(s) in the source; nothing applied\n`);
    expect((await call("GET", "/api/v1/tenants/acme/resources/syncs/broken")).status).toBe(404);
  });

  it("import of the commit the tenant already holds: an empty plan, said so", async () => {
    const head = bare(["rev-parse", "main"]);
    const c = io(env);
    expect(await runImport(["--ref", head], c)).toBe(0);
    expect(c.out()).toContain(`no changes: acme already holds what ${head} has`);
  });

  it("resync from-git of an invalid branch prints the diagnostics and applies nothing", async () => {
    const good = bare(["rev-parse", "main"]);
    const bad = await landWithoutHooks("main", { "syncs/broken.yaml": BROKEN_SYNC }, "A sync of nothing");
    try {
      const c = io(env);
      expect(await runResync(["--direction", "from-git"], c)).toBe(1);
      expect(c.out()).toMatch(/^syncs\/broken\.yaml:1:8: error missing-reference: /);
      expect(c.out()).toContain(`resync from-git of acme: the branch at ${bad.slice(0, 12)} has 1 problem(s); nothing applied\n`);
      expect((await call("GET", "/api/v1/tenants/acme/resources/syncs/broken")).status).toBe(404);
    } finally {
      bare(["update-ref", "refs/heads/main", good]);
    }
  });

  it("status --json gives git, projects and the log in one object", async () => {
    const c = io(env);
    expect(await runStatus(["--json"], c)).toBe(0);
    const parsed = JSON.parse(c.out());
    expect(parsed).toMatchObject({ tenant: "acme", waiting: 0, lastAppliedSha: expect.stringMatching(/^[0-9a-f]{40}$/), git: { provider: "local" } });
    expect(parsed.projects.map((p: { name: string | null }) => p.name)).toContain("sales");
    expect(parsed.log[0]).toMatchObject({ direction: expect.any(String), status: expect.any(String) });
  });

  it("snapshot --no-wait --json prints the queued entry and returns", async () => {
    await call("PUT", "/api/v1/tenants/acme/git", { body: { ...(await gitFields("acme")), outbound: "pull-request" } });
    await call("PUT", "/api/v1/tenants/acme/resources/models/leads", { body: model("leads") });
    const c = io(env);
    expect(await runSnapshot(["--no-wait", "--json"], c)).toBe(0);
    const queued = JSON.parse(c.out());
    expect(queued).toMatchObject({ direction: "SNAPSHOT", status: "queued", tenant: "acme" });
    // The snapshot goes on without the command; wait for it so the next test starts clean.
    await expect.poll(async () => (await call("GET", `/api/v1/tenants/acme/snapshots/${queued.id}`)).body.status, { timeout: 20_000 }).toBe("done");
  });

  it("a snapshot that fails prints its error and exits 1", async () => {
    await call("PUT", "/api/v1/tenants/acme/resources/models/refunds", { body: model("refunds") });
    const away = `${repo()}.away`;
    await rename(repo(), away);
    try {
      const c = io(env);
      expect(await runSnapshot([], c)).toBe(1);
      expect(c.out()).toMatch(/acme: snapshot #\d+ failed: \S+/);
    } finally {
      await rename(away, repo());
    }
  });
});
