import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresBackend, sqliteBackend } from "../store/backends.js";
import { modelsIn } from "./fixtures.js";
import { client, startServer, type TestServer } from "./harness.js";

/** The tenant is always valid: every API write is judged against the tenant after it. */

const databases = [sqliteBackend(), postgresBackend(process.env.GITSYNC_TEST_DATABASE_URL)];

const model = modelsIn("sales");
const sync = (modelName: string) => ({ model: modelName, destination: "hubspot", config: {}, schedule: null, schedulePaused: false });
const job = (name: string, dependsOn: string[]) => ({
  name,
  project: "etl",
  enabled: true,
  dependsOn,
  tasks: [{ name: "run", type: "file-load", tables: [] }],
});

describe.each(databases)("integrity on $name", (backend) => {
  const skip = backend.skipReason !== null;
  const db = backend.name;
  let env: Record<string, string> = {};
  let server: TestServer;
  let call: ReturnType<typeof client>;
  let dataDir: string;
  const slug = `acme-${db}`;
  const base = `/api/v1/tenants/${slug}`;

  beforeAll(async () => {
    if (skip) return;
    const location = await backend.setup();
    if (location.databaseUrl) env = { DATABASE_URL: location.databaseUrl };
    dataDir = await mkdtemp(join(tmpdir(), "gitsync-integrity-"));
    server = await startServer({ GITSYNC_DEMO: "false", ...env }, { dataDir });
    call = client(server);
    expect((await call("POST", "/api/v1/tenants", { body: { slug, name: "Acme" } })).status).toBe(201);
    for (const name of ["warehouse", "hubspot"]) {
      expect((await call("POST", `${base}/connections`, { body: { name, type: "postgres" } })).status).toBe(201);
    }
    expect((await call("PUT", `${base}/resources/models/active-customers`, { body: model("active-customers") })).status).toBe(201);
    expect((await call("PUT", `${base}/resources/syncs/customers-to-crm`, { body: sync("active-customers") })).status).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (!skip) await backend.teardown();
  });

  it.skipIf(skip)("refuses to delete a model a sync names: 409 naming the sync and its field, nothing changed", async () => {
    const before = await call("GET", `${base}/resources/models/active-customers`);
    const res = await call("DELETE", `${base}/resources/models/active-customers`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("conflict");
    expect(res.body.error.message).toContain("sync customers-to-crm (field model)");
    expect(res.body.error.details.referrers).toEqual([{ kind: "sync", name: "customers-to-crm", field: "model" }]);
    const after = await call("GET", `${base}/resources/models/active-customers`);
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).toBe(before.headers.get("etag"));
  });

  it.skipIf(skip)("refuses to delete a connection resources use, and allows it once they are gone", async () => {
    const res = await call("DELETE", `${base}/connections/warehouse`);
    expect(res.status).toBe(409);
    expect(res.body.error.details.referrers).toEqual([{ kind: "model", name: "active-customers", field: "source" }]);
    expect((await call("GET", `${base}/connections/warehouse`)).status).toBe(200);

    expect((await call("DELETE", `${base}/resources/syncs/customers-to-crm`)).status).toBe(204);
    expect((await call("DELETE", `${base}/resources/models/active-customers`)).status).toBe(204);
    expect((await call("DELETE", `${base}/connections/warehouse`)).status).toBe(204);
    expect((await call("POST", `${base}/connections`, { body: { name: "warehouse", type: "postgres" } })).status).toBe(201);
  });

  it.skipIf(skip)("refuses a write naming what does not exist, or closing a dependency cycle", async () => {
    const missing = await call("PUT", `${base}/resources/syncs/orphan`, { body: sync("nowhere") });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.diagnostics[0]).toMatchObject({ code: "missing-reference", file: "syncs/orphan.yaml" });

    expect((await call("PUT", `${base}/resources/jobs/extract`, { body: job("extract", []) })).status).toBe(201);
    expect((await call("PUT", `${base}/resources/jobs/clean`, { body: job("clean", ["extract"]) })).status).toBe(201);
    expect((await call("PUT", `${base}/resources/jobs/load`, { body: job("load", ["clean"]) })).status).toBe(201);
    const cycle = await call("PUT", `${base}/resources/jobs/extract`, { body: job("extract", ["load"]) });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.details.diagnostics.map((d: { code: string }) => d.code)).toContain("dependency-cycle");
    expect(cycle.body.error.message).toMatch(/extract → load → clean → extract/);
    // A job another depends on cannot go either.
    expect((await call("DELETE", `${base}/resources/jobs/clean`)).body.error.details.referrers).toEqual([
      { kind: "job", name: "load", field: "dependsOn[0]" },
    ]);
  });

  it.skipIf(skip)("reports at start a tenant an earlier version left invalid, until it is fixed", async () => {
    expect((await call("PUT", `${base}/resources/models/accounts`, { body: model("accounts") })).status).toBe(201);
    expect((await call("PUT", `${base}/resources/syncs/accounts-out`, { body: sync("accounts") })).status).toBe(201);
    // What an earlier version allowed: the model removed while the sync still names it.
    await server.app.store.deleteResource(slug, { kind: "model", name: "accounts", actor: { name: "old", email: "old@example.com" }, outbox: false, mode: "archive" });
    await server.stop();
    server = await startServer({ GITSYNC_DEMO: "false", ...env }, { dataDir });
    call = client(server);

    const status = await call("GET", `${base}/status`);
    expect(status.body.integrity).toMatchObject({ valid: false, diagnosticCount: 1 });
    expect(status.body.integrity.diagnostics[0]).toMatchObject({ file: "syncs/accounts-out.yaml", code: "missing-reference", severity: "error" });
    expect(server.logs()).toContain(`tenant ${slug} is invalid: 1 error(s)`);

    expect((await call("DELETE", `${base}/resources/syncs/accounts-out`)).status).toBe(204);
    await server.app.sync.idle();
    expect((await call("GET", `${base}/status`)).body.integrity).toMatchObject({ valid: true, diagnostics: [] });
  });
});
