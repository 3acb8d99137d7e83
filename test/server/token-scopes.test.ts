import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startServer, type TestServer } from "./harness.js";

let server: TestServer;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startServer({ GITSYNC_DEMO: "false" });
  call = client(server);
  for (const slug of ["dev", "prod"]) expect((await call("POST", "/api/v1/tenants", { body: { slug, name: slug } })).status).toBe(201);
});
afterAll(async () => server?.stop());

describe("creating scoped tokens", () => {
  it("takes a role per tenant, shows the grants once created and in /me, and keeps role-only tokens server-wide", async () => {
    const scoped = await call("POST", "/api/v1/tokens", { body: { label: "dev", tenants: { dev: "editor", prod: "viewer" } } });
    expect(scoped.status).toBe(201);
    expect(scoped.body.token).toMatchObject({ role: "editor", serverWide: false, tenants: { dev: "editor", prod: "viewer" } });
    const me = await call("GET", "/api/v1/me", { token: scoped.body.secret });
    expect(me.body).toMatchObject({ admin: false, token: { serverWide: false, tenants: { dev: "editor", prod: "viewer" } } });

    const wide = await call("POST", "/api/v1/tokens", { body: { label: "ci", role: "viewer" } });
    expect(wide.body.token).toMatchObject({ role: "viewer", serverWide: true, tenants: {} });
    const admin = await call("POST", "/api/v1/tokens", { body: { label: "ops", admin: true, user: { name: "Ops", email: "ops@example.com" } } });
    expect(admin.body.token).toMatchObject({ role: "admin", serverWide: true });
    expect((await call("GET", "/api/v1/me", { token: admin.body.secret })).body.admin).toBe(true);
    // A server admin of its own may create tenants; the scoped token may not.
    expect((await call("POST", "/api/v1/tenants", { token: admin.body.secret, body: { slug: "qa", name: "QA" } })).status).toBe(201);
    expect((await call("POST", "/api/v1/tenants", { token: scoped.body.secret, body: { slug: "qa2", name: "QA" } })).status).toBe(403);
  });

  it("refuses ambiguous or impossible requests with the field named, and creates nothing", async () => {
    const before = (await call("GET", "/api/v1/tokens")).body.items.length;
    const cases: [object, string][] = [
      [{ label: "x", role: "editor", tenants: { dev: "editor" } }, "role"],
      [{ label: "x", role: "viewer", admin: true }, "role"],
      [{ label: "x" }, "role"],
      [{ label: "x", tenants: {} }, "tenants"],
      [{ label: "x", tenants: { dev: "owner" } }, "tenants.dev"],
      [{ label: "x", tenants: { "Not-A-Slug": "viewer" } }, "tenants"],
      [{ label: "x", tenants: { nope: "viewer" } }, "tenants.nope"],
    ];
    for (const [body, field] of cases) {
      const res = await call("POST", "/api/v1/tokens", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.error.details), JSON.stringify(body)).toContain(`"${field}`);
    }
    expect((await call("GET", "/api/v1/tokens")).body.items.length).toBe(before);
  });
});
