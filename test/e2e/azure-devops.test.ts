import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMENT_MARKER } from "../../src/core/index.js";
import { FIXTURES, TOKEN, WEBHOOK, basicAuth } from "../contract/azure-devops-replies.js";
import { startAzureStandIn, type AzureStandIn } from "../helpers/azure-devops-server.js";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/*
 * The built server, started as a user starts it, against a loopback Azure DevOps Server
 * stand-in (a collection URL as the connection's baseUrl) that refuses any request Microsoft's
 * REST reference does not allow. A user points a tenant at Azure DevOps and writes through the
 * API; a service hook applies a push; a pull request is checked; an attacker's forged hooks
 * change nothing.
 */

type Json = Record<string, unknown>;
const pat = { name: "Pat Pusher", email: "pat@example.com" };

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("Azure DevOps with the built server", () => {
  let azure: AzureStandIn;
  let server: BuiltServer;
  const forge = () => azure.harness.forge;
  const call = (method: string, path: string, options: Parameters<typeof callBuilt>[3] = {}) => callBuilt(server, method, path, options);
  const repository = () => ({ ...azure.harness.repositoryJson(), remoteUrl: `${azure.collection}/Data%20Platform/_git/config` });
  const hook = (payload: Json, authorization?: string) =>
    call("POST", "/webhooks/azure-devops", { token: null, raw: JSON.stringify(payload), headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) } });

  beforeAll(async () => {
    azure = await startAzureStandIn();
    await azure.harness.seed({ "README.md": "# config\n" });
    server = await serveBuilt({ env: { GITSYNC_DEMO: "false", AZURE_DEVOPS_WEBHOOK_USER: WEBHOOK.user, AZURE_DEVOPS_WEBHOOK_PASSWORD: WEBHOOK.password } });
    expect((await call("POST", "/api/v1/tenants", { body: { slug: "acme", name: "Acme" } })).status).toBe(201);
    expect((await call("POST", "/api/v1/tenants/acme/connections", { body: { name: "warehouse", type: "postgres" } })).status).toBe(201);
    const git = { provider: "azure-devops", repository: "acme/Data Platform/config", baseUrl: azure.collection, token: TOKEN, debounceMs: 20 };
    const put = await call("PUT", "/api/v1/tenants/acme/git", { body: git });
    expect(put.status).toBe(200);
    expect(put.text).not.toContain(TOKEN);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await azure?.close();
  });

  it("refuses a badly named repository with the field and the expected form", async () => {
    const bad = await call("PUT", "/api/v1/tenants/acme/git", { body: { provider: "azure-devops", repository: "acme/config" } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("organization/project/repository");
  });

  it("commits an API write in one push, then applies a push announced by a service hook", async () => {
    const model = { name: "orders", source: "warehouse", type: "table", dbtModel: null, tableName: "public.orders", isSchema: false, primaryKey: "id" };
    expect((await call("PUT", "/api/v1/tenants/acme/resources/models/orders", { body: model })).status).toBe(201);
    await until("the commit on Azure", async () => forge().commit(forge().branches.get("main") as string).files.has("models/orders.yaml"));
    expect(azure.harness.served.filter((r) => r === "POST pushes").length).toBeGreaterThanOrEqual(1);

    const before = forge().branches.get("main") as string;
    const text = forge().text(before, "models/orders.yaml") as string;
    const after = forge().push("main", before, [before], [{ changeType: "edit", item: { path: "/models/orders.yaml" }, newContent: { content: text.replace("primaryKey: id", "primaryKey: order_id"), contentType: "rawtext" } }], "Key", pat, pat);
    const payload = {
      ...FIXTURES.webhookPush,
      id: randomUUID(),
      resource: { ...(FIXTURES.webhookPush["resource"] as Json), refUpdates: [{ name: "refs/heads/main", oldObjectId: before, newObjectId: after }], repository: repository() },
    };
    // An attacker without the subscription's credentials changes nothing.
    expect((await hook(payload)).status).toBe(401);
    expect((await hook(payload, basicAuth(WEBHOOK.user, "guessed"))).status).toBe(401);
    expect((await hook(payload, `Bearer ${TOKEN}`)).status).toBe(401);
    expect((await hook(payload, basicAuth(WEBHOOK.user, WEBHOOK.password))).status).toBe(202);
    await until("the push applied", async () => (await call("GET", "/api/v1/tenants/acme/resources/models/orders")).body?.body?.primaryKey === "order_id");
    expect(azure.harness.violations).toEqual([]);
  });

  it("checks a pull request with a failed status, a summary thread and a thread at the broken line", async () => {
    const main = forge().branches.get("main") as string;
    const broken = "name: orders\nsource: nowhere\ntype: table\ndbtModel: null\ntableName: public.orders\nisSchema: false\nprimaryKey: id\n";
    forge().push("broken", "0".repeat(40), [main], [{ changeType: "edit", item: { path: "/models/orders.yaml" }, newContent: { content: broken, contentType: "rawtext" } }], "Break", pat, pat);
    forge().pullRequests.push({ id: 7, title: "Break it", description: "", source: "broken", target: "main", status: "active" });
    const payload = { ...FIXTURES.webhookPullRequestCreated, id: randomUUID(), resource: { ...azure.harness.pullRequestJson(7), repository: repository() } };
    expect((await hook(payload, basicAuth(WEBHOOK.user, WEBHOOK.password))).status).toBe(202);
    const failed = await until("the failed status", async () => forge().statuses.find((s) => s.on === "pr:7" && s.state === "failed"));
    expect(failed).toMatchObject({ genre: "gitsync", name: "gitsync" });
    // The summary thread is the last thing a check writes.
    const threads = await until("the summary thread", async () => {
      const all = forge().threads.get(7) ?? [];
      return all.some((t) => t.comments[0]?.content.includes(COMMENT_MARKER)) && all;
    });
    expect(threads.filter((t) => t.comments[0]?.content.includes(COMMENT_MARKER))).toHaveLength(1);
    expect(threads.find((t) => t.filePath === "/models/orders.yaml")).toMatchObject({ line: 2, status: "active" });
    expect(azure.harness.violations).toEqual([]);
  });
});
