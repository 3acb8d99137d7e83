import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startServer, type TestServer } from "./harness.js";

/*
 * What a GET returns, a PUT accepts unchanged; PATCH takes a JSON Merge Patch of the same
 * thing, validated exactly as a PUT.
 */

let server: TestServer;
let call: ReturnType<typeof client>;

const PATCH = { "content-type": "application/merge-patch+json" };
const git = "/api/v1/tenants/demo/git";
const connections = "/api/v1/tenants/demo/connections";
const resources = "/api/v1/tenants/demo/resources";
const fieldsOf = (res: { body: any }): string[] => res.body.error.details.fields.map((f: { field: string }) => f.field);

beforeAll(async () => {
  server = await startServer();
  call = client(server);
});
afterAll(async () => server?.stop());

describe("GET then PUT changes nothing", () => {
  it("the git connection, hasToken included", async () => {
    await call("PUT", git, { body: { provider: "local", token: "local-token-1" } });
    const got = await call("GET", git);
    expect(got.body.hasToken).toBe(true);
    const put = await call("PUT", git, { body: got.body });
    expect(put.status).toBe(200);
    expect(put.body).toEqual(got.body);
    expect(put.headers.get("etag")).toBe(got.headers.get("etag"));
    // hasToken is read-only: claiming false neither clears the token nor is refused.
    const claimed = await call("PUT", git, { body: { ...got.body, hasToken: false } });
    expect(claimed.body.hasToken).toBe(true);
  });

  it("a connection, with its version, needsCredentials and updatedAt", async () => {
    await call("POST", connections, { body: { name: "round-db", type: "postgres", host: "db.example.com", credentials: { password: "rt-pass-91" } } });
    const got = await call("GET", `${connections}/round-db`);
    const put = await call("PUT", `${connections}/round-db`, { body: got.body });
    expect(put.status).toBe(200);
    expect(put.body).toEqual(got.body);
    expect(put.headers.get("etag")).toBe(got.headers.get("etag"));
    expect(await server.app.store.getConnectionCredentials("demo", "round-db")).toEqual({ password: "rt-pass-91" });
  });

  it("every resource of the demo, as the GET envelope or as its body", async () => {
    for (const folder of ["models", "syncs", "jobs", "file-definitions", "cluster-definitions", "python-environments"]) {
      const list = await call("GET", `${resources}/${folder}`);
      expect(list.body.items.length, folder).toBeGreaterThan(0);
      for (const item of list.body.items) {
        const path = `${resources}/${folder}/${item.name}`;
        const got = await call("GET", path);
        const whole = await call("PUT", path, { body: got.body });
        expect(whole.status, path).toBe(200);
        expect(whole.body, path).toEqual(got.body);
        const content = await call("PUT", path, { body: got.body.body });
        expect(content.body, path).toEqual(got.body);
      }
    }
  });

  it("refuses an envelope of another resource, naming the field", async () => {
    const got = await call("GET", `${resources}/models/accounts`);
    const other = await call("PUT", `${resources}/models/other-name`, { body: got.body });
    expect(other.status).toBe(400);
    expect(fieldsOf(other)).toEqual(["name"]);
  });

  it("keeps a secret field that the GET left out, and PATCH null removes it", async () => {
    const path = `${resources}/cluster-definitions/secret-spark`;
    const body = { name: "secret-spark", type: "spark", configuration: { workers: 1, accessToken: "spark-secret-55" } };
    expect((await call("PUT", path, { body })).status).toBe(201);
    const got = await call("GET", path);
    expect(got.text).not.toContain("spark-secret-55");
    await call("PUT", path, { body: got.body });
    const stored = async () => (await server.app.store.getResource("demo", "cluster-definition", "secret-spark"))!.body;
    expect(await stored()).toEqual(body);
    await call("PATCH", path, { body: { configuration: { workers: 3 } }, headers: PATCH });
    expect(await stored()).toEqual({ ...body, configuration: { workers: 3, accessToken: "spark-secret-55" } });
    await call("PATCH", path, { body: { configuration: { accessToken: null } }, headers: PATCH });
    expect(await stored()).toEqual({ ...body, configuration: { workers: 3 } });
  });
});

describe("the git connection's defaults", () => {
  it("fills every left-out field with its documented default", async () => {
    const local = await call("PUT", git, { body: { provider: "local", token: null } });
    expect(local.status).toBe(200);
    expect(local.body).toEqual({
      provider: "local",
      repository: "demo",
      branch: "main",
      path: "",
      format: "yaml",
      outbound: "direct",
      debounceMs: 1000,
      deletions: "archive",
      baseUrl: null,
      hasToken: false,
    });
    const github = await call("PUT", git, { body: { provider: "github", repository: "acme/config" } });
    expect(github.body).toMatchObject({ provider: "github", repository: "acme/config", baseUrl: null, deletions: "archive", debounceMs: 1000 });
  });

  it("still requires a repository where the provider needs one", async () => {
    const res = await call("PUT", git, { body: { provider: "gitlab" } });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(["repository"]);
  });
});

describe("PATCH", () => {
  it("the git connection: one field changes, a removed field takes its default", async () => {
    await call("PUT", git, { body: { provider: "github", repository: "acme/config", debounceMs: 5000, path: "config" } });
    const patched = await call("PATCH", git, { body: { outbound: "pull-request", debounceMs: null }, headers: PATCH });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ outbound: "pull-request", debounceMs: 1000, path: "config", repository: "acme/config" });
  });

  it("the git connection: If-Match against its ETag", async () => {
    const before = await call("GET", git);
    const etag = before.headers.get("etag")!;
    const ok = await call("PATCH", git, { body: { branch: "release" }, headers: { ...PATCH, "if-match": etag } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).not.toBe(etag);
    const stale = await call("PATCH", git, { body: { branch: "other" }, headers: { ...PATCH, "if-match": etag } });
    expect(stale.status).toBe(412);
    expect((await call("PUT", git, { body: before.body, headers: { "if-match": etag } })).status).toBe(412);
    expect((await call("GET", git)).body.branch).toBe("release");
  });

  it("refuses what a PUT refuses, and changes nothing", async () => {
    const before = await call("GET", git);
    const bad = await call("PATCH", git, { body: { provider: "svn", branch: "x" }, headers: PATCH });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toContain("provider");
    expect((await call("GET", git)).body).toEqual(before.body);
  });

  it("415 for any other content type, 400 for a patch that is not an object or has unsafe keys", async () => {
    const json = await call("PATCH", git, { body: { branch: "main" } });
    expect(json.status).toBe(415);
    expect(json.body.error.message).toContain("application/merge-patch+json");
    expect((await call("PATCH", git, { body: [1], headers: PATCH })).status).toBe(400);
    const proto = await call("PATCH", `${resources}/models/accounts`, { raw: '{"__proto__": {"x": 1}}', headers: PATCH });
    expect(proto.status).toBe(400);
    expect(fieldsOf(proto)).toEqual(["__proto__"]);
  });

  it("a connection: If-Match, credentials null, and 404 when it does not exist", async () => {
    const path = `${connections}/round-db`;
    const got = await call("GET", path);
    const patched = await call("PATCH", path, { body: { database: "sales" }, headers: { ...PATCH, "if-match": got.headers.get("etag")! } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ database: "sales", host: "db.example.com", version: got.body.version + 1, needsCredentials: false });
    const stale = await call("PATCH", path, { body: { database: "x" }, headers: { ...PATCH, "if-match": got.headers.get("etag")! } });
    expect(stale.status).toBe(412);
    const cleared = await call("PATCH", path, { body: { credentials: null }, headers: PATCH });
    expect(cleared.body.needsCredentials).toBe(true);
    expect((await call("PATCH", `${connections}/no-such`, { body: { database: "x" }, headers: PATCH })).status).toBe(404);
    const renamed = await call("PATCH", path, { body: { name: "elsewhere" }, headers: PATCH });
    expect(renamed.status).toBe(400);
    expect(fieldsOf(renamed)).toEqual(["name"]);
  });

  it("a resource: one field, If-Match, and a result that fails validation is refused whole", async () => {
    const path = `${resources}/models/accounts`;
    const got = await call("GET", path);
    const etag = got.headers.get("etag")!;
    const patched = await call("PATCH", path, { body: { primaryKey: "account_uuid" }, headers: { ...PATCH, "if-match": etag } });
    expect(patched.status).toBe(200);
    expect(patched.body.body).toEqual({ ...got.body.body, primaryKey: "account_uuid" });
    expect((await call("PATCH", path, { body: { primaryKey: "x" }, headers: { ...PATCH, "if-match": etag } })).status).toBe(412);
    const invalid = await call("PATCH", path, { body: { source: "no-such-connection", primaryKey: "y" }, headers: PATCH });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.diagnostics.length).toBeGreaterThan(0);
    expect((await call("GET", path)).body.body.primaryKey).toBe("account_uuid");
    expect((await call("PATCH", `${resources}/models/no-such`, { body: { primaryKey: "x" }, headers: PATCH })).status).toBe(404);
  });
});

describe("a stored token or credentials never follow a host change", () => {
  const token = async () => server.app.store.getGitToken("demo");
  const start = { provider: "gitlab", repository: "group/project", baseUrl: "https://gitlab.example.com", token: "glpat-host-a" };

  it("baseUrl, repository or provider changed without a token: the token is dropped (PUT and PATCH)", async () => {
    const changes: Record<string, unknown>[] = [
      { baseUrl: "https://elsewhere.example.net" },
      { baseUrl: null },
      { repository: "group/other" },
      { provider: "github", repository: "group/project" },
    ];
    for (const change of changes) {
      for (const method of ["PUT", "PATCH"] as const) {
        await call("PUT", git, { body: start });
        expect(await token()).toBe("glpat-host-a");
        const { token: _t, ...rest } = start;
        const res =
          method === "PUT"
            ? await call("PUT", git, { body: { ...rest, ...change } })
            : await call("PATCH", git, { body: change, headers: PATCH });
        expect(res.status, JSON.stringify(change)).toBe(200);
        expect(res.body.hasToken, `${method} ${JSON.stringify(change)}`).toBe(false);
        expect(await token()).toBeNull();
      }
    }
  });

  it("a token given with the change is kept; other fields never drop it", async () => {
    await call("PUT", git, { body: start });
    const moved = await call("PATCH", git, { body: { baseUrl: "https://new.example.net", token: "glpat-host-b" }, headers: PATCH });
    expect(moved.body.hasToken).toBe(true);
    expect(await token()).toBe("glpat-host-b");
    await call("PATCH", git, { body: { branch: "develop", path: "cfg", outbound: "pull-request" }, headers: PATCH });
    expect(await token()).toBe("glpat-host-b");
    await call("PATCH", git, { body: { token: null }, headers: PATCH });
    expect(await token()).toBeNull();
  });

  it("a connection's type, host or port changed: credentials dropped unless given; database or username keep them", async () => {
    const path = `${connections}/moving-db`;
    const creds = { password: "move-pass-33" };
    const base = { type: "postgres", host: "db.example.com", port: 5432, database: "a", username: "u" };
    const stored = () => server.app.store.getConnectionCredentials("demo", "moving-db");
    for (const change of [{ host: "evil.example.net" }, { port: 6543 }, { type: "mysql" }, { host: null }]) {
      await call("PUT", path, { body: { ...base, credentials: creds } });
      const res = await call("PATCH", path, { body: change, headers: PATCH });
      expect(res.body.needsCredentials, JSON.stringify(change)).toBe(true);
      expect(await stored()).toBeNull();
    }
    await call("PUT", path, { body: { ...base, credentials: creds } });
    await call("PUT", path, { body: { ...base, database: "b", username: "v" } });
    expect(await stored()).toEqual(creds);
    await call("PUT", path, { body: { ...base, host: "db2.example.com", credentials: { password: "new-pass" } } });
    expect(await stored()).toEqual({ password: "new-pass" });
  });

  it("an import that moves an existing connection to another host drops its credentials", async () => {
    await call("PUT", `${connections}/imported-db`, { body: { type: "postgres", host: "db.example.com", credentials: { password: "imp-1" } } });
    const same = await call("POST", `${connections}/import`, { body: { connections: [{ name: "imported-db", type: "postgres", host: "db.example.com" }] } });
    expect(same.status).toBe(200);
    expect(await server.app.store.getConnectionCredentials("demo", "imported-db")).toEqual({ password: "imp-1" });
    await call("POST", `${connections}/import`, { body: { connections: [{ name: "imported-db", type: "postgres", host: "evil.example.net" }] } });
    expect(await server.app.store.getConnectionCredentials("demo", "imported-db")).toBeNull();
  });
});
