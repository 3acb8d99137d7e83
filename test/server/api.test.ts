import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelsIn } from "./fixtures.js";
import { client, startServer, type TestServer } from "./harness.js";

let server: TestServer;
let call: ReturnType<typeof client>;
let editor: string;
let viewer: string;

const model = modelsIn("api-tests");

beforeAll(async () => {
  server = await startServer();
  call = client(server);
  const e = await call("POST", "/api/v1/tokens", { body: { label: "editor", role: "editor", user: { name: "Eddie", email: "eddie@example.com" } } });
  const v = await call("POST", "/api/v1/tokens", { body: { label: "viewer", role: "viewer", user: { name: "Vera", email: "vera@example.com" } } });
  editor = e.body.secret;
  viewer = v.body.secret;
});
afterAll(async () => server?.stop());

describe("health and documents", () => {
  it("answers /healthz with the database up", async () => {
    const res = await call("GET", "/healthz", { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", database: "up" });
  });

  it("serves the OpenAPI document at both paths without a token", async () => {
    for (const path of ["/openapi.json", "/api/v1/openapi.json"]) {
      const res = await call("GET", path, { token: null });
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe("3.1.0");
    }
  });

  it("answers unknown API paths and methods with a JSON 404", async () => {
    const res = await call("GET", "/api/v1/nothing-here", { unchecked: true });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    const wrongMethod = await call("PATCH", "/api/v1/tenants", { unchecked: true });
    expect(wrongMethod.status).toBe(404);
  });

  it("leaves other paths to Probot, then answers 404", async () => {
    const res = await call("GET", "/somewhere/else", { token: null, unchecked: true });
    expect(res.status).toBe(404);
  });
});

describe("authentication and roles", () => {
  it("401 without a token, with a bad one, and with a malformed header", async () => {
    expect((await call("GET", "/api/v1/tenants", { token: null })).status).toBe(401);
    expect((await call("GET", "/api/v1/tenants", { token: "gs_not_a_real_token" })).status).toBe(401);
    const res = await call("GET", "/api/v1/tenants", { token: null, headers: { authorization: "Basic abc" } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
  });

  it("viewer reads but may not write; editor writes resources but not tenants, git or tokens", async () => {
    expect((await call("GET", "/api/v1/tenants", { token: viewer })).status).toBe(200);
    expect((await call("PUT", "/api/v1/tenants/demo/resources/models/nope", { token: viewer, body: model("nope") })).status).toBe(403);
    expect((await call("POST", "/api/v1/tenants/demo/connections", { token: viewer, body: { name: "x", type: "y" } })).status).toBe(403);
    expect((await call("POST", "/api/v1/tenants", { token: editor, body: { slug: "nope", name: "Nope" } })).status).toBe(403);
    expect((await call("GET", "/api/v1/tenants/demo/git", { token: editor })).status).toBe(403);
    expect((await call("GET", "/api/v1/tokens", { token: editor })).status).toBe(403);
    const forbidden = await call("POST", "/api/v1/tokens", { token: viewer, body: { label: "x", role: "admin" } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.details).toEqual({ required: "admin", role: "viewer" });
  });

  it("a revoked token stops working", async () => {
    const created = await call("POST", "/api/v1/tokens", { body: { label: "short-lived", role: "viewer" } });
    expect(created.status).toBe(201);
    expect((await call("GET", "/api/v1/tenants", { token: created.body.secret })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/tokens/${created.body.token.id}`)).status).toBe(204);
    expect((await call("GET", "/api/v1/tenants", { token: created.body.secret })).status).toBe(401);
    expect((await call("DELETE", "/api/v1/tokens/999999")).status).toBe(404);
  });

  it("lists tokens without their secrets", async () => {
    const res = await call("GET", "/api/v1/tokens");
    expect(res.status).toBe(200);
    expect(res.body.items.map((t: { label: string }) => t.label)).toEqual(expect.arrayContaining(["editor", "viewer"]));
    expect(res.text).not.toContain(editor);
    expect(res.text).not.toContain(viewer);
  });
});

describe("tenants", () => {
  it("lists the demo tenant and creates new ones", async () => {
    const list = await call("GET", "/api/v1/tenants");
    expect(list.body.items.map((t: { slug: string }) => t.slug)).toContain("demo");
    const created = await call("POST", "/api/v1/tenants", { body: { slug: "acme-dev", name: "Acme (dev)" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: "acme-dev", name: "Acme (dev)" });
    expect((await call("POST", "/api/v1/tenants", { body: { slug: "acme-dev", name: "again" } })).status).toBe(409);
  });

  it("rejects a bad slug naming the field", async () => {
    const res = await call("POST", "/api/v1/tenants", { body: { slug: "Bad Slug", name: "x" } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe("slug");
  });

  it("a new tenant starts with the local git connection", async () => {
    await call("POST", "/api/v1/tenants", { body: { slug: "fresh", name: "Fresh" } });
    const git = await call("GET", "/api/v1/tenants/fresh/git");
    expect(git.status).toBe(200);
    expect(git.body).toMatchObject({ provider: "local", branch: "main", path: "", format: "yaml", outbound: "direct", deletions: "archive", hasToken: false });
  });
});

describe("resources", () => {
  const path = "/api/v1/tenants/demo/resources/models";

  it("lists a kind and 404s an unknown kind, tenant or name", async () => {
    const list = await call("GET", path);
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((r: { kind: string }) => r.kind === "model")).toBe(true);
    expect((await call("GET", "/api/v1/tenants/demo/resources/widgets")).status).toBe(404);
    expect((await call("GET", "/api/v1/tenants/demo/resources/connections")).status).toBe(404);
    expect((await call("GET", "/api/v1/tenants/nope/resources/models")).status).toBe(404);
    expect((await call("GET", `${path}/missing`)).status).toBe(404);
  });

  it("creates with PUT (201, ETag), replaces (200), and records the editor as author", async () => {
    const created = await call("PUT", `${path}/orders`, { token: editor, body: model("orders") });
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toBe('"1"');
    expect(created.body).toMatchObject({ kind: "model", name: "orders", version: 1, project: "api-tests", archived: false });
    expect(created.body.updatedBy).toContain("Eddie");

    const replaced = await call("PUT", `${path}/orders`, { token: editor, body: model("orders", { primaryKey: "order_id" }) });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get("etag")).toBe('"2"');
    const got = await call("GET", `${path}/orders`, { token: viewer });
    expect(got.body.body.primaryKey).toBe("order_id");
    expect(got.headers.get("etag")).toBe('"2"');
  });

  it("412 on a stale If-Match, success on the current one", async () => {
    await call("PUT", `${path}/invoices`, { token: editor, body: model("invoices") });
    const stale = await call("PUT", `${path}/invoices`, { token: editor, body: model("invoices", { primaryKey: "a" }), headers: { "if-match": '"7"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe("precondition_failed");
    const bad = await call("PUT", `${path}/invoices`, { token: editor, body: model("invoices"), headers: { "if-match": "garbage" } });
    expect(bad.status).toBe(412);
    const fresh = await call("PUT", `${path}/invoices`, { token: editor, body: model("invoices", { primaryKey: "b" }), headers: { "if-match": '"1"' } });
    expect(fresh.status).toBe(200);
    expect(fresh.body.version).toBe(2);
    const staleDelete = await call("DELETE", `${path}/invoices`, { token: editor, headers: { "if-match": '"1"' } });
    expect(staleDelete.status).toBe(412);
  });

  it("If-None-Match: * creates only", async () => {
    const first = await call("PUT", `${path}/once`, { token: editor, body: model("once"), headers: { "if-none-match": "*" } });
    expect(first.status).toBe(201);
    const second = await call("PUT", `${path}/once`, { token: editor, body: model("once"), headers: { "if-none-match": "*" } });
    expect(second.status).toBe(412);
  });

  it("400 with the validator's diagnostics for an invalid body", async () => {
    const res = await call("PUT", `${path}/broken`, { token: editor, body: model("broken", { source: "no-such-connection", isSchema: true }) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    const diagnostics = res.body.error.details.diagnostics as { message: string; severity: string }[];
    expect(diagnostics.length).toBeGreaterThanOrEqual(2);
    expect(diagnostics.map((d) => d.message).join("\n")).toMatch(/no-such-connection/);
    expect((await call("GET", `${path}/broken`)).status).toBe(404);
  });

  it("400 for a bad name, a name field that differs, and a non-object body", async () => {
    expect((await call("PUT", `${path}/Bad Name`, { token: editor, body: model("x") })).status).toBe(400);
    const mismatch = await call("PUT", `${path}/one-name`, { token: editor, body: model("other-name") });
    expect(mismatch.status).toBe(400);
    expect((await call("PUT", `${path}/arr`, { token: editor, body: [1, 2] })).status).toBe(400);
  });

  it("a resource's project is body.project, null when absent", async () => {
    const res = await call("PUT", "/api/v1/tenants/demo/resources/python-environments/plain", {
      token: editor,
      body: { name: "plain", path: "/opt/plain" },
    });
    expect(res.status).toBe(201);
    expect(res.body.project).toBeNull();
  });

  it("DELETE archives by default; the archived one is listed only on request", async () => {
    await call("PUT", `${path}/doomed`, { token: editor, body: model("doomed") });
    expect((await call("DELETE", `${path}/doomed`, { token: editor, headers: { "if-match": '"1"' } })).status).toBe(204);
    expect((await call("GET", `${path}/doomed`)).status).toBe(404);
    expect((await call("DELETE", `${path}/doomed`, { token: editor })).status).toBe(404);
    const archived = await call("GET", `${path}?includeArchived=true`);
    expect(archived.body.items.find((r: { name: string }) => r.name === "doomed")?.archived).toBe(true);
    const again = await call("PUT", `${path}/doomed`, { token: editor, body: model("doomed"), headers: { "if-none-match": "*" } });
    expect(again.status).toBe(201);
  });

  it("lists projects with pending-change counts against the branch", async () => {
    // The demo tenant's first start is committed by the outbound worker.
    await server.app.sync.idle();
    let res = await call("GET", "/api/v1/tenants/demo/projects", { token: viewer });
    expect(res.status).toBe(200);
    const sales = res.body.items.find((p: { name: string | null }) => p.name === "sales");
    expect(sales).toMatchObject({ pendingChanges: { created: 0, updated: 0, deleted: 0 } });
    expect(sales.resources).toBeGreaterThan(0);
    expect(res.body.items.some((p: { name: string | null }) => p.name === null)).toBe(true);
    expect(res.body.pendingError).toBeNull();

    // In pull-request mode an edit waits for "Sync changes": the project shows it.
    const git = await call("GET", "/api/v1/tenants/demo/git");
    await call("PUT", "/api/v1/tenants/demo/git", { body: { ...git.body, hasToken: undefined, outbound: "pull-request" } });
    await call("PUT", "/api/v1/tenants/demo/resources/models/pending-one", { token: editor, body: model("pending-one", { project: "sales" }) });
    res = await call("GET", "/api/v1/tenants/demo/projects", { token: viewer });
    expect(res.body.items.find((p: { name: string | null }) => p.name === "sales").pendingChanges).toEqual({ created: 1, updated: 0, deleted: 0 });
    await call("PUT", "/api/v1/tenants/demo/git", { body: { ...git.body, hasToken: undefined } });
    await call("POST", "/api/v1/tenants/demo/sync", { token: editor });
  });
});

describe("request bodies", () => {
  it("415 for a body that is not JSON", async () => {
    const res = await call("POST", "/api/v1/tenants", { raw: "slug=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("unsupported_media_type");
  });

  it("400 for malformed JSON, without quoting it", async () => {
    const res = await call("POST", "/api/v1/tenants", { raw: '{"slug": "quoted-back?', headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain("quoted-back");
  });

  it("400 for a missing body", async () => {
    const res = await call("POST", "/api/v1/tenants", {});
    expect(res.status).toBe(400);
  });

  it("413 for a body over 1 MiB, declared or streamed", async () => {
    const big = JSON.stringify({ slug: "big", name: "x".repeat(1024 * 1024 + 10) });
    const res = await call("POST", "/api/v1/tenants", { raw: big, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    const chunked = await fetch(`${server.url}/api/v1/tenants`, {
      method: "POST",
      headers: { authorization: `Bearer ${(await import("./harness.js")).ADMIN_TOKEN}`, "content-type": "application/json" },
      body: new Blob([big]).stream(),
      duplex: "half",
    });
    expect(chunked.status).toBe(413);
  });
});

describe("connections", () => {
  const base = "/api/v1/tenants/demo/connections";
  const credentials = { password: "conn-pass-7f3a9c" };

  it("creates with credentials that are never returned", async () => {
    const res = await call("POST", base, { token: editor, body: { name: "billing-db", type: "postgres", host: "db.example.com", port: 5432, credentials } });
    expect(res.status).toBe(201);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.body).toMatchObject({ name: "billing-db", needsCredentials: false });
    expect(res.text).not.toContain("conn-pass-7f3a9c");
    for (const path of [base, `${base}/billing-db`, `${base}/export`]) {
      const got = await call("GET", path, { token: viewer });
      expect(got.status).toBe(200);
      expect(got.text).not.toContain("conn-pass-7f3a9c");
      expect(got.text).not.toContain("credentials");
    }
    expect(await server.app.store.getConnectionCredentials("demo", "billing-db")).toEqual(credentials);
    expect((await call("POST", base, { token: editor, body: { name: "billing-db", type: "postgres" } })).status).toBe(409);
  });

  it("updates keep credentials unless given; If-Match is honoured", async () => {
    const body = { type: "postgres", host: "db.example.com", port: 5432, database: "billing" };
    const updated = await call("PUT", `${base}/billing-db`, { token: editor, body, headers: { "if-match": '"1"' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ database: "billing", version: 2, needsCredentials: false });
    expect(await server.app.store.getConnectionCredentials("demo", "billing-db")).toEqual(credentials);
    const stale = await call("PUT", `${base}/billing-db`, { token: editor, body: { type: "postgres" }, headers: { "if-match": '"1"' } });
    expect(stale.status).toBe(412);
    const mismatch = await call("PUT", `${base}/billing-db`, { token: editor, body: { name: "other", type: "postgres" } });
    expect(mismatch.status).toBe(400);
    const created = await call("PUT", `${base}/by-put`, { token: editor, body: { type: "mysql" } });
    expect(created.status).toBe(201);
    expect(created.body.needsCredentials).toBe(true);
  });

  it("rejects unknown fields and bad ports", async () => {
    const res = await call("POST", base, { token: editor, body: { name: "x1", type: "pg", port: 70000, colour: "red" } });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(["port", "colour"]));
  });

  it("exports without credentials and imports into another tenant flagged as needing them", async () => {
    await call("POST", "/api/v1/tenants", { body: { slug: "import-target", name: "Import target" } });
    const exported = await call("GET", `${base}/export`);
    expect(exported.body.connections.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(["warehouse", "crm", "billing-db"]));
    const imported = await call("POST", "/api/v1/tenants/import-target/connections/import", { token: editor, body: exported.body });
    expect(imported.status).toBe(200);
    expect(imported.body.created).toContain("billing-db");
    expect(imported.body.updated).toEqual([]);
    const target = await call("GET", "/api/v1/tenants/import-target/connections/billing-db");
    expect(target.body).toMatchObject({ host: "db.example.com", needsCredentials: true });
    expect(await server.app.store.getConnectionCredentials("import-target", "billing-db")).toBeNull();
    const again = await call("POST", "/api/v1/tenants/import-target/connections/import", { token: editor, body: exported.body });
    expect(again.body.updated).toContain("billing-db");
    const withSecret = await call("POST", "/api/v1/tenants/import-target/connections/import", {
      token: editor,
      body: { connections: [{ name: "sneaky", type: "pg", credentials: { password: "nope" } }] },
    });
    expect(withSecret.status).toBe(400);
  });

  it("deletes", async () => {
    expect((await call("DELETE", `${base}/by-put`, { token: editor })).status).toBe(204);
    expect((await call("GET", `${base}/by-put`)).status).toBe(404);
    expect((await call("DELETE", `${base}/by-put`, { token: editor })).status).toBe(404);
  });
});

describe("git connection", () => {
  const path = "/api/v1/tenants/demo/git";
  const github = {
    provider: "github",
    repository: "acme/config",
    branch: "main",
    path: "gitsync",
    format: "yaml",
    outbound: "pull-request",
    debounceMs: 2000,
    deletions: "keep",
    baseUrl: null,
  };

  it("saves the fields, keeps the token write-only", async () => {
    const res = await call("PUT", path, { body: { ...github, token: "ghp_git_token_4d2e1b" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...github, hasToken: true });
    expect(res.text).not.toContain("ghp_git_token_4d2e1b");
    expect(await server.app.store.getGitToken("demo")).toBe("ghp_git_token_4d2e1b");
    const kept = await call("PUT", path, { body: { ...github, branch: "release/1.0" } });
    expect(kept.body).toMatchObject({ branch: "release/1.0", hasToken: true });
    const cleared = await call("PUT", path, { body: { ...github, token: null } });
    expect(cleared.body.hasToken).toBe(false);
  });

  it("rejects bad fields, naming them", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ provider: "svn" }, "provider"],
      [{ repository: "no-slash" }, "repository"],
      [{ branch: "bad..branch" }, "branch"],
      [{ path: "../outside" }, "path"],
      [{ debounceMs: -1 }, "debounceMs"],
      [{ baseUrl: "ftp://x" }, "baseUrl"],
      [{ deletions: "shred" }, "deletions"],
    ];
    for (const [change, field] of cases) {
      const res = await call("PUT", path, { body: { ...github, ...change } });
      expect(res.status, field).toBe(400);
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field), field).toContain(field);
    }
    const missing = await call("PUT", path, { body: { branch: "main" } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields.map((f: { field: string }) => f.field)).toContain("provider");
  });

  it("delete follows the delete policy", async () => {
    await call("PUT", path, { body: { ...github, deletions: "delete" } });
    const resources = "/api/v1/tenants/demo/resources/models";
    await call("PUT", `${resources}/gone`, { token: editor, body: model("gone") });
    expect((await call("DELETE", `${resources}/gone`, { token: editor })).status).toBe(204);
    const archived = await call("GET", `${resources}?includeArchived=true`);
    expect(archived.body.items.some((r: { name: string }) => r.name === "gone")).toBe(false);
  });
});

describe("sync log", () => {
  it("pages newest first and filters", async () => {
    for (let i = 0; i < 5; i++) {
      await server.app.store.appendSyncLog("demo", { direction: i % 2 ? "INBOUND" : "OUTBOUND", status: i === 4 ? "failed" : "done", files: [`models/m${i}.yaml`] });
    }
    const first = await call("GET", "/api/v1/tenants/demo/log?limit=2", { token: viewer });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0].id).toBeGreaterThan(first.body.items[1].id);
    const second = await call("GET", `/api/v1/tenants/demo/log?limit=2&before=${first.body.next}`, { token: viewer });
    expect(second.body.items[0].id).toBeLessThan(first.body.items[1].id);
    const inbound = await call("GET", "/api/v1/tenants/demo/log?direction=INBOUND");
    expect(inbound.body.items).toHaveLength(2);
    expect(inbound.body.next).toBeNull();
    const failed = await call("GET", "/api/v1/tenants/demo/log?status=failed");
    expect(failed.body.items.map((e: { files: string[] }) => e.files)).toEqual([["models/m4.yaml"]]);
  });

  it("400 for bad paging parameters", async () => {
    for (const query of ["limit=0", "limit=abc", "before=-3", "direction=SIDEWAYS", "colour=red"]) {
      expect((await call("GET", `/api/v1/tenants/demo/log?${query}`)).status, query).toBe(400);
    }
  });

  it("judges every query by its documented shape, naming the field", async () => {
    const cases = [
      ["/log?limit=201", "limit"],
      ["/jobs?limit=0", "limit"],
      ["/jobs?limit=ten", "limit"],
      ["/jobs?state=lost", "state"],
      ["/drift?recorded=yes", "recorded"],
    ] as const;
    for (const [path, field] of cases) {
      const answer = await call("GET", `/api/v1/tenants/demo${path}`);
      expect(answer.status, path).toBe(400);
      expect(answer.body.error.details.fields.map((f: { field: string }) => f.field), path).toContain(field);
    }
    expect((await call("GET", "/api/v1/tenants/demo/jobs?limit=3&state=done")).status).toBe(200);
  });
});

