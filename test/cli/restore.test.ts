import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Io } from "../../src/cli/api-client.js";
import { run } from "../../src/cli/restore.js";
import { ADMIN_TOKEN, client, startServer, type TestServer } from "../server/harness.js";
import { modelsIn } from "../server/fixtures.js";

/** `gitsync restore` against the in-process server: usage, the plan, the apply, the refusal. */

function capture(env: Record<string, string | undefined>) {
  let out = "";
  let err = "";
  const io: Io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env };
  return { io, out: () => out, err: () => err };
}

let server: TestServer;
let env: Record<string, string>;
let first: string;
const model = modelsIn("sales");

beforeAll(async () => {
  server = await startServer({ GITSYNC_DEMO: "false" });
  const call = client(server);
  await call("POST", "/api/v1/tenants", { body: { slug: "acme", name: "Acme" } });
  await call("POST", "/api/v1/tenants/acme/connections", { body: { name: "warehouse", type: "postgres" } });
  const { hasToken: _ignored, ...fields } = (await call("GET", "/api/v1/tenants/acme/git")).body;
  await call("PUT", "/api/v1/tenants/acme/git", { body: { ...fields, debounceMs: 10 } });
  await call("PUT", "/api/v1/tenants/acme/resources/models/orders", { body: model("orders") });
  // The first commit that holds the model: what the restore below goes back to.
  await vi.waitFor(async () => {
    const { lastCommittedSha } = await server.app.store.getSyncState("acme");
    expect(await server.app.store.pendingOutbox("acme")).toEqual([]);
    first = lastCommittedSha!;
    expect(first).toBeTruthy();
  }, { timeout: 50_000, interval: 50 });
  await call("PUT", "/api/v1/tenants/acme/resources/models/orders", { body: model("orders", { primaryKey: "order_id" }) });
  env = { GITSYNC_URL: server.url, GITSYNC_TOKEN: ADMIN_TOKEN };
});
afterAll(async () => {
  await server?.stop();
});

describe("gitsync restore", () => {
  it("needs --ref and a KIND/NAME resource, and says so with exit 2", async () => {
    const none = capture(env);
    expect(await run(["acme"], none.io)).toBe(2);
    expect(none.err()).toContain("--ref <sha|branch> is required");
    const bad = capture(env);
    expect(await run(["acme", "--ref", "main", "--resource", "orders"], bad.io)).toBe(2);
    expect(bad.err()).toContain("--resource must be KIND/NAME such as models/orders, not 'orders'");
  });

  it("prints the plan with --dry-run and changes nothing, then applies", async () => {
    const plan = capture(env);
    expect(await run(["acme", "--ref", first, "--resource", "models/orders", "--dry-run"], plan.io)).toBe(0);
    expect(plan.out()).toBe(
      `restore of acme at ${first.slice(0, 12)} (dry run, nothing changed):\n  sales\n    update model orders: primaryKey\n`,
    );
    expect((await server.app.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("order_id");
    const applied = capture(env);
    expect(await run(["--tenant", "acme", "--ref", first, "--resource", "models/orders", "--json"], applied.io)).toBe(0);
    expect(JSON.parse(applied.out())).toMatchObject({ status: "applied", sha: first, plan: { counts: { update: 1 } } });
    expect((await server.app.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("id");
  });

  it("reports an unknown ref as the API says it, with exit 1", async () => {
    const missing = capture(env);
    expect(await run(["acme", "--ref", "no-such-branch"], missing.io)).toBe(1);
    expect(missing.err()).toContain("ref 'no-such-branch' not found");
  });
});
