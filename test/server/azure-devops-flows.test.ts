import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMENT_MARKER } from "../../src/core/index.js";
import { FIXTURES, TOKEN, WEBHOOK, basicAuth } from "../contract/azure-devops-replies.js";
import { startAzureStandIn, type AzureStandIn } from "../helpers/azure-devops-server.js";
import { modelsIn } from "./fixtures.js";
import { client, startServer, type TestServer } from "./harness.js";

/**
 * Azure DevOps end to end through the server in this process, against a loopback Azure DevOps
 * Server stand-in that answers from an in-memory repository and refuses any request the REST
 * reference does not allow: an API write becomes one push, a service hook push updates the
 * tenant, a snapshot opens a pull request, and a pull request gets a status, one summary
 * thread and a thread per finding, the stale ones closed on the next run.
 */

type Json = Record<string, unknown>;

let azure: AzureStandIn;
let server: TestServer;
let call: ReturnType<typeof client>;
let editor: string;
const model = modelsIn("sales");
const pat = { name: "Pat Pusher", email: "pat@example.com" };

const forge = () => azure.harness.forge;
const head = () => forge().branches.get("main") as string;

async function settle(): Promise<void> {
  await server.app.sync.idle();
}

/** A person's push on Azure: one commit of `files` (null deletes) on `branch`, from main when new. */
function personPush(branch: string, files: Record<string, string | null>): [string, string] {
  const before = forge().branches.get(branch) ?? "0".repeat(40);
  const parent = forge().branches.get(branch) ?? head();
  const changes = Object.entries(files).map(([path, content]) => {
    const exists = forge().commit(parent).files.has(path);
    if (content === null) return { changeType: "delete", item: { path: `/${path}` } };
    return { changeType: exists ? "edit" : "add", item: { path: `/${path}` }, newContent: { content, contentType: "rawtext" } };
  });
  const after = forge().push(branch, before === "0".repeat(40) ? before : parent, [parent], changes, "A person's change", pat, pat);
  return [before, after];
}

async function hook(payload: Json, password = WEBHOOK.password) {
  return call("POST", "/webhooks/azure-devops", {
    token: null,
    raw: JSON.stringify(payload),
    headers: { "content-type": "application/json", authorization: basicAuth(WEBHOOK.user, password) },
  });
}

function pushPayload(before: string, after: string): Json {
  const resource = FIXTURES.webhookPush["resource"] as Json;
  return {
    ...FIXTURES.webhookPush,
    id: randomUUID(),
    resource: {
      ...resource,
      refUpdates: [{ name: "refs/heads/main", oldObjectId: before, newObjectId: after }],
      repository: { ...azure.harness.repositoryJson(), remoteUrl: `${azure.collection}/Data%20Platform/_git/config` },
      pushedBy: { displayName: pat.name, uniqueName: pat.email },
    },
  };
}

function pullRequestPayload(type: "created" | "updated", id: number): Json {
  const template = type === "created" ? FIXTURES.webhookPullRequestCreated : FIXTURES.webhookPullRequestUpdated;
  return {
    ...template,
    id: randomUUID(),
    resource: {
      ...azure.harness.pullRequestJson(id),
      repository: { ...azure.harness.repositoryJson(), remoteUrl: `${azure.collection}/Data%20Platform/_git/config` },
    },
  };
}

function served(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of azure.harness.served) counts[request] = (counts[request] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  azure = await startAzureStandIn();
  await azure.harness.seed({ "README.md": "# config\n" });
  server = await startServer({ GITSYNC_DEMO: "false", AZURE_DEVOPS_WEBHOOK_USER: WEBHOOK.user, AZURE_DEVOPS_WEBHOOK_PASSWORD: WEBHOOK.password });
  call = client(server);
  editor = (await call("POST", "/api/v1/tokens", { body: { label: "e", role: "editor", user: { name: "Eddie Editor", email: "eddie@example.com" } } })).body.secret;
  expect((await call("POST", "/api/v1/tenants", { body: { slug: "acme", name: "Acme" } })).status).toBe(201);
  for (const name of ["warehouse", "hubspot"]) {
    expect((await call("POST", "/api/v1/tenants/acme/connections", { body: { name, type: "postgres" } })).status).toBe(201);
  }
  const git = { provider: "azure-devops", repository: "acme/Data Platform/config", branch: "main", baseUrl: azure.collection, token: TOKEN, debounceMs: 20 };
  const put = await call("PUT", "/api/v1/tenants/acme/git", { body: git });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ provider: "azure-devops", repository: "acme/Data Platform/config", hasToken: true });
  await settle();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await azure?.close();
});

describe("Azure DevOps through the server", () => {
  it("commits an API write as one push, with the editor as author", async () => {
    azure.harness.served.length = 0;
    expect((await call("PUT", "/api/v1/tenants/acme/resources/models/orders", { token: editor, body: model("orders") })).status).toBe(201);
    await settle();
    const counts = served();
    console.log(`[azure-devops] requests for one API write: ${JSON.stringify(counts)}`);
    expect(counts["POST pushes"]).toBe(1);
    const commit = forge().commit(head());
    expect(commit.author).toEqual({ name: "Eddie Editor", email: "eddie@example.com" });
    expect(forge().text(head(), "models/orders.yaml")).toContain("tableName: public.orders");

    // A later write, once the tenant and the branch are known to be in step.
    azure.harness.served.length = 0;
    expect((await call("PUT", "/api/v1/tenants/acme/resources/models/customers", { token: editor, body: model("customers") })).status).toBe(201);
    await settle();
    console.log(`[azure-devops] requests for a later API write: ${JSON.stringify(served())}`);
    expect(served()["POST pushes"]).toBe(1);
    expect(forge().text(head(), "models/customers.yaml")).toContain("name: customers");
    expect(azure.harness.violations).toEqual([]);
  });

  it("applies a push announced by a service hook, and refuses a forged one", async () => {
    const text = forge().text(head(), "models/orders.yaml") as string;
    const [before, after] = personPush("main", { "models/orders.yaml": text.replace("primaryKey: id", "primaryKey: order_id") });

    const forged = await hook(pushPayload(before, after), "not-the-password");
    expect(forged.status).toBe(401);
    await settle();
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/orders", { token: editor })).body.body.primaryKey).toBe("id");

    azure.harness.served.length = 0;
    expect((await hook(pushPayload(before, after))).status).toBe(202);
    await settle();
    console.log(`[azure-devops] requests to apply one push: ${JSON.stringify(served())}`);
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/orders", { token: editor })).body.body.primaryKey).toBe("order_id");
    const log = await call("GET", "/api/v1/tenants/acme/log?direction=INBOUND", { token: editor });
    expect(log.body.items[0]).toMatchObject({ status: "done", commitSha: after });
    expect(azure.harness.violations).toEqual([]);
  });

  it("pushes a snapshot branch and opens a pull request for it", async () => {
    const current = (await call("GET", "/api/v1/tenants/acme/git")).body;
    const { hasToken: _readOnly, ...fields } = current;
    expect((await call("PUT", "/api/v1/tenants/acme/git", { body: { ...fields, outbound: "pull-request" } })).status).toBe(200);
    await call("PUT", "/api/v1/tenants/acme/resources/models/leads", { token: editor, body: model("leads", { project: "marketing" }) });
    const started = await call("POST", "/api/v1/tenants/acme/snapshots", { token: editor });
    expect(started.status).toBe(202);
    await settle();
    const snapshot = (await call("GET", `/api/v1/tenants/acme/snapshots/${started.body.id}`, { token: editor })).body;
    expect(snapshot).toMatchObject({ status: "done", branch: expect.stringMatching(/^acme\/\d{4}\.\d{2}\.\d{2}\.1$/) });
    const [pr] = forge().pullRequests;
    expect(pr).toMatchObject({ source: snapshot.branch, target: "main", status: "active" });
    expect(snapshot.prUrl).toBe(`${azure.collection}/Data%20Platform/_git/config/pullrequest/${pr?.id}`);
    expect(forge().text(forge().branches.get(snapshot.branch) as string, "models/leads.yaml")).toContain("name: leads");
    expect(azure.harness.violations).toEqual([]);
  });

  it("checks a pull request: a status, one summary thread, a thread per finding, stale ones closed", async () => {
    const broken = "model: nowhere\ndestination: hubspot\nconfig: {}\nschedule: null\nschedulePaused: false\n";
    personPush("add-sync", { "syncs/broken.yaml": broken });
    const id = forge().pullRequests.length + 1;
    forge().pullRequests.push({ id, title: "Add a sync", description: "", source: "add-sync", target: "main", status: "active" });

    azure.harness.served.length = 0;
    expect((await hook(pullRequestPayload("created", id))).status).toBe(202);
    await settle();
    console.log(`[azure-devops] requests for one pull request check: ${JSON.stringify(served())}`);
    const statuses = () => forge().statuses.filter((s) => s.on === `pr:${id}`);
    expect(statuses().map((s) => [s.genre, s.name, s.state])).toEqual([
      ["gitsync", "gitsync", "pending"],
      ["gitsync", "gitsync", "failed"],
    ]);
    const threads = () => forge().threads.get(id) ?? [];
    const summaries = () => threads().filter((t) => t.comments[0]?.content.includes(COMMENT_MARKER));
    const findings = () => threads().filter((t) => t.filePath !== null);
    expect(summaries()).toHaveLength(1);
    expect(summaries()[0]?.comments[0]?.content).toContain("error(s)");
    expect(findings().length).toBeGreaterThan(0);
    expect(findings().every((t) => t.status === "active" && t.filePath === "/syncs/broken.yaml")).toBe(true);
    expect(findings().map((t) => t.line)).toContain(1);
    expect(findings().some((t) => t.comments[0]?.content.includes("nowhere"))).toBe(true);

    personPush("add-sync", { "syncs/broken.yaml": broken.replace("model: nowhere", "model: orders") });
    expect((await hook(pullRequestPayload("updated", id))).status).toBe(202);
    await settle();
    expect(statuses().at(-1)?.state).toBe("succeeded");
    expect(summaries()).toHaveLength(1);
    expect(summaries()[0]?.comments[0]?.content).toContain("The configuration is valid");
    expect(findings().every((t) => t.status === "closed")).toBe(true);
    expect(azure.harness.violations).toEqual([]);
  });

  it("tests the connection: reachability, branch, push rights without writing, and a refused token", async () => {
    const pushes = forge().commits.size;
    const test = async () => (await call("POST", "/api/v1/tenants/acme/git/test")).body.results as { check: string; ok: boolean; message: string }[];
    const results = await test();
    expect(results.find((r) => r.check === "branch")).toMatchObject({ ok: true });
    expect(results.find((r) => r.check === "push")).toMatchObject({ ok: true, message: expect.stringContaining("may push to main") });
    expect(results.find((r) => r.check === "webhooks")).toMatchObject({ ok: true });

    azure.harness.mayPush = false;
    expect((await test()).find((r) => r.check === "push")).toMatchObject({ ok: false, message: expect.stringContaining("Contribute") });
    azure.harness.mayPush = true;
    expect(forge().commits.size).toBe(pushes);

    const current = (await call("GET", "/api/v1/tenants/acme/git")).body;
    const { hasToken: _readOnly, ...fields } = current;
    expect((await call("PUT", "/api/v1/tenants/acme/git", { body: { ...fields, token: "a-token-azure-refuses" } })).status).toBe(200);
    const refused = await test();
    expect(refused.find((r) => r.check === "branch")).toMatchObject({ ok: false, message: expect.stringContaining("the token was refused") });
    expect(JSON.stringify(refused)).not.toContain("a-token-azure-refuses");
    expect(azure.harness.violations).toEqual([]);
  });
});
