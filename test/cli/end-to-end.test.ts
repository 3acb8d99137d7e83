import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as runImport } from "../../src/cli/import.js";
import { run as runResync } from "../../src/cli/resync.js";
import { run as runSnapshot } from "../../src/cli/snapshot.js";
import { run as runStatus } from "../../src/cli/status.js";
import { run as runSync } from "../../src/cli/sync.js";
import { ADMIN_TOKEN, client, startServer, type TestServer } from "../server/harness.js";
import { io } from "./cli-io.js";

/**
 * The remote commands against the real server in this process (SQLite, local provider, real
 * git), with no stand-in: what they print is what the server's routes and the engine answer.
 */

const environment = (overrides: Record<string, string> = {}) => ({ path: "envs/etl", pythonVersion: "3.11", packages: ["pandas==2.2.2"], ...overrides });

describe("gitsync remote commands against the real server", () => {
  let server: TestServer;
  let call: ReturnType<typeof client>;
  let env: Record<string, string>;

  beforeAll(async () => {
    // No demo tenant: the tenants here hold only what the test puts in them.
    server = await startServer({ GITSYNC_DEMO: "false" });
    call = client(server);
    env = { GITSYNC_URL: server.url, GITSYNC_TOKEN: ADMIN_TOKEN, GITSYNC_TENANT: "dev" };
    expect((await call("POST", "/api/v1/tenants", { body: { slug: "dev", name: "Development" } })).status).toBe(201);
    // A long debounce so the background worker cannot commit before `gitsync sync` does.
    const git = await call("GET", "/api/v1/tenants/dev/git");
    const { hasToken: _omit, ...connection } = git.body as Record<string, unknown>;
    expect((await call("PUT", "/api/v1/tenants/dev/git", { body: { ...connection, debounceMs: 3_600_000 } })).status).toBe(200);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("sync commits a waiting API write now, and status reports it", async () => {
    const put = await call("PUT", "/api/v1/tenants/dev/resources/python-environments/etl", { body: { name: "etl", ...environment() } });
    expect(put.status).toBe(201);

    const before = io(env);
    expect(await runStatus([], before)).toBe(0);
    expect(before.out()).toContain("waiting app changes:   1");

    const synced = io(env);
    expect(await runSync(["--json"], synced)).toBe(0);
    const outcome = JSON.parse(synced.out());
    expect(outcome).toMatchObject({ status: "committed" });
    const head = await server.app.registry.forTenant("dev", await server.app.store.getGitConnection("dev")).then((p) => p.resolveRef({ repository: "dev" }, "main"));
    expect(outcome.sha).toBe(head);

    const again = io(env);
    expect(await runSync([], again)).toBe(0);
    expect(again.out()).toMatch(/^dev: nothing committed: /);

    const after = io(env);
    expect(await runStatus([], after)).toBe(0);
    expect(after.out()).toContain("waiting app changes:   none");
    expect(after.out()).toContain(`last gitsync commit:   ${outcome.sha.slice(0, 12)} at `);
    expect(after.out()).toMatch(/#\d+ \S+ OUTBOUND done [0-9a-f]{12} by /);
  });

  it("snapshot: nothing to sync once committed; a pull request once the tenant differs", async () => {
    const nothing = io(env);
    expect(await runSnapshot([], nothing)).toBe(0);
    expect(nothing.out()).toMatch(/snapshot #\d+ skipped: nothing to sync/);

    // In pull-request mode app changes wait for a snapshot instead of being committed.
    const git = await call("GET", "/api/v1/tenants/dev/git");
    const { hasToken: _omit, ...connection } = git.body as Record<string, unknown>;
    await call("PUT", "/api/v1/tenants/dev/git", { body: { ...connection, outbound: "pull-request" } });
    await call("PUT", "/api/v1/tenants/dev/resources/python-environments/ml", { body: { name: "ml", ...environment({ path: "envs/ml" }) } });

    const snap = io(env);
    expect(await runSnapshot([], snap)).toBe(0);
    expect(snap.out()).toMatch(/^dev: snapshot #(\d+) queued\n/);
    expect(snap.out()).toMatch(/snapshot #\d+ done on branch dev\/\d{4}\.\d{2}\.\d{2}\.1 at [0-9a-f]{12}/);
    expect(snap.out()).toMatch(/pull request: \S+/);
    await call("PUT", "/api/v1/tenants/dev/git", { body: connection });
  });

  it("import: a dry run plans, a real run applies, into a second tenant", async () => {
    expect((await call("POST", "/api/v1/tenants", { body: { slug: "prod", name: "Production" } })).status).toBe(201);
    const prodEnv = { ...env, GITSYNC_TENANT: "prod" };

    const dry = io(prodEnv);
    expect(await runImport(["--ref", "main", "--source", "dev", "--dry-run"], dry)).toBe(0);
    expect(dry.out()).toMatch(/^import of main \([0-9a-f]{12}\) of dev into prod \(dry run, nothing changed\):\n/);
    expect(dry.out()).toContain("    create python-environment etl\n");
    expect((await call("GET", "/api/v1/tenants/prod/resources/python-environments")).body.items).toEqual([]);

    const real = io(prodEnv);
    expect(await runImport(["--ref", "main", "--source", "dev"], real)).toBe(0);
    expect(real.out()).toMatch(/imported main \([0-9a-f]{12}\) of dev into prod \(sync log #\d+\)/);
    const names = (await call("GET", "/api/v1/tenants/prod/resources/python-environments")).body.items.map((r: { name: string }) => r.name);
    expect(names).toEqual(["etl"]);

    const missing = io(prodEnv);
    expect(await runImport(["--ref", "no-such-branch", "--source", "dev"], missing)).toBe(1);
    expect(missing.err()).toContain("(not_found, HTTP 404)");
  });

  it("resync to-git commits what the branch lacks; from-git then has nothing to change", async () => {
    const toGit = io(env);
    expect(await runResync(["--direction", "to-git"], toGit)).toBe(0);
    // `ml` was only in the snapshot branch: the tracked branch gets it now.
    expect(toGit.out()).toMatch(/^resync to-git of dev: committed [0-9a-f]{12} to main \(1 file\(s\), sync log #\d+\)\n$/);

    const fromGit = io(env);
    expect(await runResync(["--direction", "from-git", "--json"], fromGit)).toBe(0);
    const outcome = JSON.parse(fromGit.out());
    expect(outcome).toMatchObject({ status: "done", entry: { direction: "INBOUND", status: "done", resources: [] } });
  });

  it("import lists the connections the target lacks and applies nothing", async () => {
    expect((await call("POST", "/api/v1/tenants/dev/connections", { body: { name: "warehouse", type: "postgres" } })).status).toBe(201);
    const model = { name: "orders", source: "warehouse", type: "table", dbtModel: null, tableName: "public.orders", isSchema: false, primaryKey: "id", project: "sales" };
    expect((await call("PUT", "/api/v1/tenants/dev/resources/models/orders", { body: model })).status).toBe(201);
    expect(await runSync([], io(env))).toBe(0);

    const missing = io({ ...env, GITSYNC_TENANT: "prod" });
    expect(await runImport(["--ref", "main", "--source", "dev"], missing)).toBe(1);
    expect(missing.out()).toMatch(/^import of main \([0-9a-f]{12}\) of dev into prod: nothing applied; prod lacks these connections:\n {2}warehouse\n/);
    expect((await call("GET", "/api/v1/tenants/prod/resources/models")).body.items).toEqual([]);
  });

  it("a wrong token is refused in words, and the token is not echoed", async () => {
    const wrong = io({ ...env, GITSYNC_TOKEN: "gs_wrong_token_value_000000" });
    expect(await runStatus([], wrong)).toBe(1);
    expect(wrong.err()).toContain("HTTP 401");
    expect(wrong.err()).toContain("the token was refused");
    expect(wrong.err()).not.toContain("gs_wrong_token_value_000000");
  });
});
