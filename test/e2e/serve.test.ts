import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

describe("gitsync serve, built and started as a user starts it", () => {
  let server: BuiltServer;
  beforeAll(async () => {
    server = await serveBuilt();
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("answers /healthz and the API with the admin token, and refuses the API without one", async () => {
    expect((await callBuilt(server, "GET", "/healthz", { token: null })).status).toBe(200);
    const tenants = await callBuilt(server, "GET", "/api/v1/tenants");
    expect(tenants.status).toBe(200);
    expect(JSON.stringify(tenants.body)).toContain("demo");
    expect((await callBuilt(server, "GET", "/api/v1/tenants", { token: null })).status).toBe(401);
  });

  it("serves the page with its favicon", async () => {
    const page = await callBuilt(server, "GET", "/", { token: null });
    expect(page.text).toContain('rel="icon"');
    const icon = await callBuilt(server, "GET", "/assets/favicon.svg", { token: null });
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(icon.text).toContain("<svg");
  });

  it("stops cleanly on SIGTERM", async () => {
    const other = await serveBuilt({ env: { GITSYNC_DEMO: "false" } });
    expect(await other.stop()).toBe(0);
  });
});
