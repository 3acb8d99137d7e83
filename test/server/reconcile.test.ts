import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitConnection } from "../../src/core/index.js";
import { GitLabFlowForge } from "../helpers/gitlab-flow-forge.js";
import { useStrictHttpMock } from "../helpers/http-mock.js";
import { bob, leads, orders, yamlOf } from "../helpers/sync-world.js";
import { client, startServer, type TestServer } from "./harness.js";

/**
 * A webhook GitLab sent that never arrived: the server's reconcile finds the branch ahead of
 * what the tenant applied and applies the difference; the drift API says what differs before
 * and that nothing does after. GitLab answers through strict nock from an in-memory project.
 */

useStrictHttpMock();
const GITLAB_TOKEN = "glpat-contract-test-token";
let forge: GitLabFlowForge;
let server: TestServer;
let call: ReturnType<typeof client>;
let seed: string;

beforeEach(async () => {
  forge = new GitLabFlowForge();
  server = await startServer({
    GITLAB_BASE_URL: "https://gitlab.example.test",
    GITLAB_WEBHOOK_SECRET: "gitlab-webhook-secret-for-tests",
    // Driven by the test, one round at a time, so each round's requests can be expected.
    GITSYNC_RECONCILE_INTERVAL: "0",
  });
  call = client(server);
  const { store } = server.app;
  seed = await forge.seed({ "README.md": "# Configuration\n", "models/orders.yaml": yamlOf(server.app, "model", orders) });
  await store.createTenant({ slug: "acme", name: "Acme" });
  const git: GitConnection = {
    provider: "gitlab",
    repository: forge.repository,
    branch: "main",
    path: "",
    format: "yaml",
    outbound: "direct",
    debounceMs: 5,
    deletions: "archive",
    baseUrl: null,
  };
  await store.putGitConnection("acme", git, GITLAB_TOKEN);
  for (const name of ["warehouse", "hubspot"]) await store.putConnection("acme", { name, type: "postgres" });
  await store.putResource("acme", { kind: "model", name: "orders", body: orders, project: "sales", actor: bob, outbox: false });
  await store.putSyncState("acme", { lastAppliedSha: seed });
});
afterEach(async () => {
  await server.stop();
});

describe("a missed GitLab webhook", () => {
  it("is caught up by the reconcile, logged as reconciled, and the drift clears", async () => {
    const head = forge.push("main", { "models/leads.yaml": yamlOf(server.app, "model", leads) }, bob, "add leads");

    forge.expect({ op: "resolveRef", ref: "main", exists: true });
    forge.expect({ op: "readFiles", sha: head, path: "" });
    const before = await call("GET", "/api/v1/tenants/acme/drift");
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      head,
      lastAppliedSha: seed,
      inSync: false,
      items: [{ kind: "model", name: "leads", project: "marketing", direction: "git-only" }],
    });

    forge.expect({ op: "resolveRef", ref: "main", exists: true });
    forge.expect({ op: "isAncestor", ancestor: head, descendant: seed });
    forge.expect({ op: "isAncestor", ancestor: seed, descendant: head });
    forge.expect({ op: "changedFiles", base: seed, head, path: "" });
    forge.expect({ op: "readFiles", sha: head, path: "", paths: ["models/leads.yaml"] });
    forge.expect({ op: "publishCheck", sha: head, annotations: 0, status: "completed" });
    forge.expect({ op: "readFiles", sha: head, path: "" });
    const outcomes = await server.app.sync.reconcile();

    expect(outcomes.find((o) => o.tenant === "acme")).toMatchObject({ status: "caught-up", head, inbound: { status: "applied" } });
    expect(forge.checkState(head)).toBe("success");
    const resource = await call("GET", "/api/v1/tenants/acme/resources/models/leads");
    expect(resource.body.body).toMatchObject({ name: "leads", tableName: "crm.leads" });
    const log = await call("GET", "/api/v1/tenants/acme/log");
    expect(log.body.items[0]).toMatchObject({ direction: "INBOUND", status: "done", commitSha: head, resources: ["model/leads"] });
    expect(log.body.items[0].note).toMatch(/^reconciled: /);
    const line = server.logs().split("\n").find((l) => l.includes('"msg":"reconciled"'));
    expect(JSON.parse(line ?? "{}")).toMatchObject({ level: 30, tenant: "acme", commit: head, previous: seed, status: "applied" });

    // Recorded by the reconcile: read without a request to GitLab.
    const recorded = await call("GET", "/api/v1/tenants/acme/drift?recorded=true");
    expect(recorded.body).toMatchObject({ head, lastAppliedSha: head, inSync: true, items: [] });

    // The next round finds the tenant in step: one read of the branch head, nothing else.
    forge.expect({ op: "resolveRef", ref: "main", exists: true });
    const [again] = await server.app.sync.reconcile("acme");
    expect(again).toMatchObject({ status: "in-step", inbound: null });

    forge.expect({ op: "resolveRef", ref: "main", exists: true });
    forge.expect({ op: "readFiles", sha: head, path: "" });
    const after = await call("GET", "/api/v1/tenants/acme/drift");
    expect(after.body).toMatchObject({ head, inSync: true, items: [] });
  });

  it("answers 404 for a drift never recorded and 400 for a bad flag", async () => {
    expect((await call("GET", "/api/v1/tenants/acme/drift?recorded=true")).status).toBe(404);
    expect((await call("GET", "/api/v1/tenants/acme/drift?recorded=yes")).status).toBe(400);
    expect((await call("GET", "/api/v1/tenants/nobody/drift")).status).toBe(404);
  });
});
