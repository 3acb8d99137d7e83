import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/index.js";
import { commitFiles, pushAsync, runGit } from "../helpers/working-copy.js";
import { modelsIn } from "./fixtures.js";
import { serveAcmeWithClone } from "./acme-clone.js";
import type { client, TestServer } from "./harness.js";

/**
 * The review pages' API through the in-process server: a local pull request's changed files as
 * hunks, a resource's file and history, and restoring a resource or the tenant at a commit.
 */

let server: TestServer;
let call: ReturnType<typeof client>;
let work: string;
const pat: Actor = { name: "Pat Pusher", email: "pat@example.com" };
const git = (args: string[]): string => runGit(work, args, pat);
const model = modelsIn("sales");
const head = () => git(["rev-parse", "origin/main"]).trim();

async function settle(): Promise<void> {
  await server.app.sync.idle();
  await new Promise((r) => setTimeout(r, 60));
  await server.app.sync.idle();
  git(["fetch", "-q", "origin"]);
}

beforeAll(async () => {
  ({ server, call, work } = await serveAcmeWithClone("gitsync-review-", pat));
  await settle();
});
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

describe("a local pull request's changed files", () => {
  it("are unified-diff hunks from the fork point, before and after the merge", async () => {
    git(["checkout", "-q", "-b", "pk", "origin/main"]);
    await commitFiles(work, { "models/orders.yaml": (text) => text.replace("primaryKey: id", "primaryKey: order_id") }, "Key", pat);
    await pushAsync(work, "pk", pat);
    await server.app.sync.idle();
    const opened = await call("POST", "/api/v1/tenants/acme/pulls", { body: { head: "pk" } });
    const number = opened.body.pull.number;
    const detail = (await call("GET", `/api/v1/tenants/acme/pulls/${number}`)).body;
    expect(detail.files).toHaveLength(1);
    expect(detail.files[0]).toMatchObject({ path: "models/orders.yaml", status: "modified", binary: false });
    const lines: string[] = detail.files[0].hunks.flatMap((h: { lines: string[] }) => h.lines);
    expect(lines).toContain("-primaryKey: id");
    expect(lines).toContain("+primaryKey: order_id");

    expect((await call("POST", `/api/v1/tenants/acme/pulls/${number}/merge`)).status).toBe(200);
    await settle();
    const merged = (await call("GET", `/api/v1/tenants/acme/pulls/${number}`)).body;
    expect(merged.pull.state).toBe("merged");
    expect(merged.files.map((f: { path: string }) => f.path)).toEqual(["models/orders.yaml"]);
    expect(merged.files[0].hunks.flatMap((h: { lines: string[] }) => h.lines)).toContain("+primaryKey: order_id");
  });
});

describe("a resource's file and history", () => {
  it("gives the file's bytes at the head and at an older commit", async () => {
    const now = await call("GET", "/api/v1/tenants/acme/resources/models/orders/file");
    expect(now.status).toBe(200);
    expect(now.body.path).toBe("models/orders.yaml");
    expect(now.body.content).toBe(git(["show", "origin/main:models/orders.yaml"]) + "\n");
    const added = git(["log", "--diff-filter=A", "--format=%H", "origin/main", "--", "models/orders.yaml"]).trim();
    const then = await call("GET", `/api/v1/tenants/acme/resources/models/orders/file?ref=${added}`);
    expect(then.body).toEqual({ path: "models/orders.yaml", sha: added, content: git(["show", `${added}:models/orders.yaml`]) + "\n", binary: false });
    expect(then.body.content).toContain("primaryKey: id\n");
    const parent = git(["rev-list", "--max-count=1", `${added}^`]).trim();
    const none = await call("GET", `/api/v1/tenants/acme/resources/models/orders/file?ref=${parent}`);
    expect(none.status).toBe(404);
    expect(none.body.error.message).toBe(`models/orders has no file at ${parent.slice(0, 7)}`);
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/orders/file?ref=nope")).status).toBe(404);
  });

  it("lists who changed it, when, which way and in which commit", async () => {
    const history = (await call("GET", "/api/v1/tenants/acme/resources/models/orders/history")).body;
    expect(history.head).toBe(head());
    const directions = history.items.map((i: { direction: string }) => i.direction);
    expect(directions).toContain("OUTBOUND");
    // The merged pull request's commit: applied INBOUND, its subject taken from git.
    const merged = history.items.find((i: { direction: string }) => i.direction === "INBOUND");
    expect(merged).toMatchObject({ commitSha: git(["rev-parse", "origin/pk"]).trim(), subject: "Key", status: "done" });
    for (const item of history.items) expect(item.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe("restore", () => {
  it("shows the plan first, then applies it as an app change that reaches the branch", async () => {
    const history = (await call("GET", "/api/v1/tenants/acme/resources/models/orders/history")).body;
    const original = history.items.find((i: { direction: string }) => i.direction === "OUTBOUND").commitSha as string;
    const body = { ref: original, resources: [{ kind: "models", name: "orders" }] };
    const plan = await call("POST", "/api/v1/tenants/acme/restore", { body: { ...body, dryRun: true } });
    expect(plan.status).toBe(200);
    expect(plan.body.status).toBe("planned");
    expect(plan.body.plan.items).toEqual([expect.objectContaining({ action: "update", kind: "model", name: "orders", fields: ["primaryKey"] })]);
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/orders")).body.body.primaryKey).toBe("order_id");

    const applied = await call("POST", "/api/v1/tenants/acme/restore", { body });
    expect(applied.body.status).toBe("applied");
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/orders")).body.body.primaryKey).toBe("id");
    await settle();
    expect(git(["show", "origin/main:models/orders.yaml"])).toContain("primaryKey: id");
    expect((await call("POST", "/api/v1/tenants/acme/restore", { body })).body.status).toBe("unchanged");
  });

  it("refuses a restore that would leave the tenant invalid, with findings, and changes nothing", async () => {
    const before = head();
    await call("PUT", "/api/v1/tenants/acme/resources/syncs/orders-sync", {
      body: { model: "orders", destination: "warehouse", config: {}, schedule: null, schedulePaused: false, project: "sales" },
    });
    await settle();
    // At the first commit no model existed: removing "orders" would leave the sync's reference dangling.
    const first = git(["rev-list", "--max-parents=0", "origin/main"]).trim().split("\n").pop()!;
    const refused = await call("POST", "/api/v1/tenants/acme/restore", { body: { ref: first, resources: [{ kind: "models", name: "orders" }] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("validation_failed");
    expect(refused.body.error.details.diagnostics.length).toBeGreaterThan(0);
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/orders")).status).toBe(200);
    expect(head()).not.toBe(before);
  });

  it("restores the whole tenant at a commit, removals archived", async () => {
    const at = head();
    await call("PUT", "/api/v1/tenants/acme/resources/models/leads", { body: model("leads") });
    await settle();
    const plan = (await call("POST", "/api/v1/tenants/acme/restore", { body: { ref: at, dryRun: true } })).body;
    expect(plan.plan.items).toEqual([expect.objectContaining({ action: "archive", kind: "model", name: "leads" })]);
    expect((await call("POST", "/api/v1/tenants/acme/restore", { body: { ref: at } })).body.status).toBe("applied");
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/leads")).status).toBe(404);
  });

  it("leaves pending changes, not a commit, in pull-request mode", async () => {
    await settle();
    const at = head();
    await call("PUT", "/api/v1/tenants/acme/resources/models/leads", { body: model("leads", { primaryKey: "lead_id" }) });
    await settle();
    const { hasToken: _ignored, ...fields } = (await call("GET", "/api/v1/tenants/acme/git")).body;
    expect((await call("PUT", "/api/v1/tenants/acme/git", { body: { ...fields, outbound: "pull-request" } })).status).toBe(200);
    const before = head();
    const applied = await call("POST", "/api/v1/tenants/acme/restore", { body: { ref: at, resources: [{ kind: "models", name: "leads" }] } });
    expect(applied.body.status).toBe("applied");
    await settle();
    expect(head()).toBe(before);
    const projects = (await call("GET", "/api/v1/tenants/acme/projects")).body.items as { name: string | null; pendingChanges: { deleted: number } }[];
    expect(projects.find((p) => p.name === "sales")?.pendingChanges.deleted).toBe(1);
    const history = (await call("GET", "/api/v1/tenants/acme/resources/models/leads/history")).body;
    expect(history.items[0]).toMatchObject({ direction: "app", commitSha: null });
    await call("PUT", "/api/v1/tenants/acme/git", { body: { ...fields, outbound: "direct" } });
  });

  it("answers 400 for a bad body and 404 for an unknown ref or kind", async () => {
    expect((await call("POST", "/api/v1/tenants/acme/restore", { body: { ref: "" } })).status).toBe(400);
    expect((await call("POST", "/api/v1/tenants/acme/restore", { body: { ref: "missing-branch" } })).status).toBe(404);
    const kind = await call("POST", "/api/v1/tenants/acme/restore", { body: { ref: "main", resources: [{ kind: "nope", name: "x" }] } });
    expect(kind.status).toBe(404);
  });
});
