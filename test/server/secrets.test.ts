import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, client, startServer, type TestServer } from "./harness.js";

let server: TestServer;
let call: ReturnType<typeof client>;
let viewer: string;

/** Every value here is a secret: none may appear in a log line or in a response. */
const SECRETS = {
  credential: "cred-Secret-91ac77e2",
  password: "pw-Secret-5bd0e4f1",
  gitToken: "ghp_Secret0b7d2c9e1f",
  badToken: "gs_unknown_Secret_33f9a0",
  accessToken: "dapi-Secret-c8e14d",
  inBadJson: "json-Secret-7a61",
};

beforeAll(async () => {
  server = await startServer();
  call = client(server);
  viewer = (await call("POST", "/api/v1/tokens", { body: { label: "viewer", role: "viewer" } })).body.secret;
});
afterAll(async () => server?.stop());

function fill(path: string): string {
  return path.replace("{tenant}", "demo").replace("{kind}", "cluster-definitions").replace("{name}", "warehouse").replace(/\{(id|n)\}/, "999");
}

describe("no secret is ever logged", () => {
  it("through every route, with good, bad and forbidden tokens and bodies", async () => {
    const body = {
      name: "warehouse",
      type: "postgres",
      credentials: { password: SECRETS.password, key: SECRETS.credential },
      token: SECRETS.gitToken,
      configuration: { accessToken: SECRETS.accessToken },
    };
    const routes = server.app.router.routes();
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const path = fill(route.path);
      for (const token of [ADMIN_TOKEN, viewer, SECRETS.badToken]) {
        const withBody = route.method === "POST" || route.method === "PUT";
        const res = await call(route.method, path, { token, ...(withBody ? { body } : {}) });
        expect(res.text).not.toContain(SECRETS.password);
        expect(res.text).not.toContain(SECRETS.credential);
        expect(res.text).not.toContain(SECRETS.gitToken);
        if (withBody) {
          const bad = await call(route.method, path, {
            token,
            raw: `{"credentials": {"password": "${SECRETS.inBadJson}"`,
            headers: { "content-type": "application/json" },
          });
          expect(bad.text).not.toContain(SECRETS.inBadJson);
        }
      }
    }
    // The routes that store secrets, on their success paths.
    const saved = await call("PUT", "/api/v1/tenants/demo/connections/warehouse", { body: { type: "postgres", credentials: body.credentials } });
    expect([200, 201]).toContain(saved.status);
    const git = await call("PUT", "/api/v1/tenants/demo/git", {
      body: { provider: "github", repository: "acme/config", branch: "main", path: "", format: "yaml", outbound: "direct", debounceMs: 1000, deletions: "archive", baseUrl: null, token: SECRETS.gitToken },
    });
    expect(git.status).toBe(200);
    const cluster = await call("PUT", "/api/v1/tenants/demo/resources/cluster-definitions/secretive", {
      body: { name: "secretive", type: "databricks", configuration: { accessToken: SECRETS.accessToken } },
    });
    expect(cluster.status).toBe(201);
    expect(cluster.text).not.toContain(SECRETS.accessToken);
    const read = await call("GET", "/api/v1/tenants/demo/resources/cluster-definitions/secretive");
    expect(read.text).not.toContain(SECRETS.accessToken);

    const logs = server.logs();
    expect(logs).toContain('"msg":"request"');
    for (const [what, secret] of Object.entries(SECRETS)) expect(logs, what).not.toContain(secret);
    expect(logs).not.toContain(ADMIN_TOKEN);
    expect(logs).not.toContain(viewer);
  });

  it("redacts secret fields that other code puts in a log record", () => {
    server.app.log.info(
      {
        req: { headers: { authorization: `Bearer ${SECRETS.badToken}` } },
        connection: { credentials: { password: SECRETS.password } },
        deep: { git: { config: { token: SECRETS.gitToken } } },
      },
      "a record a careless library might write",
    );
    const logs = server.logs();
    expect(logs).toContain("a record a careless library might write");
    expect(logs).toContain("[redacted]");
    for (const secret of [SECRETS.badToken, SECRETS.password, SECRETS.gitToken]) expect(logs).not.toContain(secret);
  });
});
