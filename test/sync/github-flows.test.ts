import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Catalog } from "../../src/catalog/catalog.js";
import { resourcePath, serializeResource } from "../../src/catalog/serialize.js";
import type { JsonObject, PushEvent } from "../../src/core/index.js";
import { SyncService } from "../../src/sync/service.js";
import { GitHubHarness } from "../contract/github-harness.js";
import type { ContractStep } from "../contract/harness.js";
import { mergePull, pushCommit } from "../helpers/github-repo.js";
import { useStrictHttpMock } from "../helpers/http-mock.js";
import { ada, bob, COMMITTER, crashingStore, leads, makeSyncWorld, orders, recordEdit, syncDeps, type SyncWorld } from "../helpers/sync-world.js";

/**
 * The sync flows on GitHub: a real SQLite store, the real GitHubProvider
 * and its Probot Octokit, and the in-memory forge answering through nock. Each scenario
 * registers exactly the requests the engine is expected to make, in order (one-shot
 * interceptors), so these tests also pin the request sequence; the counts are printed.
 */

useStrictHttpMock();

const REPOSITORY = "acme/config";

const ordersToCrm = {
  model: "orders",
  destination: "hubspot",
  config: {},
  schedule: { type: "interval", every: "15m" },
  schedulePaused: false,
  project: "sales",
} satisfies JsonObject;

interface Seeded {
  kind: string;
  name: string;
  body: JsonObject;
}

interface World extends SyncWorld {
  h: GitHubHarness;
  /** The sha the tenant was connected at. */
  seed: string;
  counts: Record<string, number>;
}

function fileOf(catalog: Catalog, r: Seeded): [string, string] {
  const kind = catalog.byId(r.kind);
  if (!kind) throw new Error(`no kind ${r.kind}`);
  return [resourcePath("", kind.folder, r.name, "yaml"), serializeResource(catalog, r.kind, r.body, "yaml")];
}

/** A tenant connected to the forge's `main`, already in sync with it (nothing requested). */
async function connect(w: World, slug: string, resources: Seeded[], outbound: "direct" | "pull-request" = "direct") {
  await w.store.createTenant({ slug, name: slug });
  const git = await w.store.getGitConnection(slug);
  await w.store.putGitConnection(slug, { ...git, provider: "github", repository: REPOSITORY, debounceMs: 5, outbound });
  for (const name of ["warehouse", "hubspot"]) await w.store.putConnection(slug, { name, type: "postgres" });
  for (const r of resources) {
    await w.store.putResource(slug, { kind: r.kind, name: r.name, body: r.body, project: (r.body.project as string) ?? null, actor: ada, outbox: false });
  }
  const files = Object.fromEntries([["README.md", "# config\n"], ...resources.map((r) => fileOf(w.catalog, r))]);
  const seed = await w.h.seed(files);
  await w.store.putSyncState(slug, { lastAppliedSha: seed });
  return seed;
}

/** Registers the requests of these provider operations, in order. */
function expectSteps(h: GitHubHarness, steps: ContractStep[]): void {
  for (const step of steps) h.expect(step);
}

/** The provider calls of an inbound fast-forward push that changed config files. */
function inboundSteps(last: string, after: string, annotations = 0): ContractStep[] {
  return [
    { op: "isAncestor", ancestor: after, descendant: last },
    { op: "isAncestor", ancestor: last, descendant: after },
    { op: "changedFiles", base: last, head: after, path: "" },
    { op: "readFiles", sha: after, path: "" },
    { op: "publishCheck", sha: after, annotations, status: "completed" },
  ];
}

/** GitHub's push webhook for a move of `main`, verified and normalised by the provider. */
async function pushEvent(h: GitHubHarness, move: { before: string; after: string }): Promise<PushEvent> {
  const event = await h.provider.parseWebhook(h.pushWebhook({ branch: "main", ...move, validSignature: true }));
  if (event?.kind !== "push") throw new Error("expected a push event");
  return event;
}

function measure(w: World, name: string, since: number): number {
  const n = w.h.requestCount() - since;
  w.counts[name] = n;
  return n;
}

describe("sync flows on GitHub (nock + in-memory forge)", () => {
  let w: World;

  beforeEach(async () => {
    const h = new GitHubHarness();
    w = Object.assign(await makeSyncWorld(h.provider), { h, seed: "", counts: {} });
  });
  afterEach(async (context) => {
    console.log(`[github flows] ${context.task.name}: requests ${JSON.stringify(w.counts)}`);
    await w.close();
  });

  it("commits API edits of two people as one commit, authored and co-authored", async () => {
    const seed = await connect(w, "acme", [{ kind: "model", name: "orders", body: orders }]);
    expectSteps(w.h, [
      { op: "resolveRef", ref: "main", exists: true },
      { op: "readFiles", sha: seed, path: "" },
      { op: "commit", branch: "main", files: 2, outcome: "committed" },
    ]);
    await recordEdit(w, "acme", "model", { ...orders, primaryKey: "id" }, ada);
    await recordEdit(w, "acme", "model", leads, bob);
    await w.service.changed("acme");
    await w.service.idle();
    expect(measure(w, "commit", 0)).toBe(8);

    const head = (await w.h.head("main")) as string;
    const commit = await w.h.commitInfo(head);
    expect(commit.parents).toEqual([seed]);
    expect(commit.author).toEqual(ada);
    expect(commit.committer).toEqual(COMMITTER);
    expect(commit.message).toContain("Co-authored-by: Bob Builder <bob@example.com>");
    expect(commit.message).toContain("Gitsync-Tenant: acme");
    const files = await w.h.snapshot(head);
    expect(files["models/orders.yaml"]).toBe(serializeResource(w.catalog, "model", { ...orders, primaryKey: "id" }, "yaml"));
    expect(files["models/leads.yaml"]).toBe(serializeResource(w.catalog, "model", leads, "yaml"));
    expect(await w.store.pendingOutbox("acme")).toEqual([]);
    expect(await w.store.getSyncState("acme")).toMatchObject({ lastAppliedSha: head, lastCommittedSha: head });
  });

  it("applies a push that changes a YAML file, and marks the commit with a successful check", async () => {
    const seed = await connect(w, "acme", [{ kind: "model", name: "orders", body: orders }]);
    const [path, content] = fileOf(w.catalog, { kind: "model", name: "orders", body: orders });
    const move = pushCommit(w.h.forge, {
      branch: "main",
      files: { [path]: content.replace("primaryKey: order_id", "primaryKey: id"), "syncs/orders-to-crm.yaml": fileOf(w.catalog, { kind: "sync", name: "orders-to-crm", body: ordersToCrm })[1] },
    });
    expectSteps(w.h, inboundSteps(seed, move.after));
    const [result] = await w.service.handleEvent(await pushEvent(w.h, move));
    expect(measure(w, "push", 0)).toBe(8);

    expect(result?.outcome).toMatchObject({ status: "applied" });
    expect((await w.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("id");
    expect((await w.store.getResource("acme", "sync", "orders-to-crm"))?.body).toEqual(ordersToCrm);
    expect(await w.store.pendingOutbox("acme")).toEqual([]);
    expect(await w.h.checks(move.after)).toEqual([{ name: "gitsync", status: "completed", conclusion: "success", annotations: 0 }]);
    const [entry] = await w.store.listSyncLog("acme", { limit: 1 });
    expect(entry).toMatchObject({ direction: "INBOUND", status: "done", commitSha: move.after, author: "Codertocat" });
  });

  it("applies nothing from an invalid push and fails its check with annotations at the lines", async () => {
    const seed = await connect(w, "acme", [{ kind: "model", name: "orders", body: orders }]);
    const [path, content] = fileOf(w.catalog, { kind: "model", name: "orders", body: orders });
    const hourly = await readFile("fixtures/configs/invalid/schema/syncs/orders-hourly.yaml", "utf8");
    const move = pushCommit(w.h.forge, {
      branch: "main",
      files: {
        [path]: content.replace("primaryKey: order_id", "primaryKey: id"),
        "syncs/bad.yaml": "model: nowhere\ndestination: hubspot\nconfig: {}\nschedule: null\nschedulePaused: false\n",
        "syncs/orders-hourly.yaml": hourly,
      },
    });
    expectSteps(w.h, inboundSteps(seed, move.after, 2));
    const [result] = await w.service.handleEvent(await pushEvent(w.h, move));
    expect(measure(w, "invalid push", 0)).toBe(8);

    expect(result?.outcome).toMatchObject({ status: "failed" });
    expect((await w.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("order_id");
    expect(await w.store.getResource("acme", "sync", "bad")).toBeNull();
    const run = w.h.forge.checkRuns.find((r) => r.sha === move.after);
    expect(run).toMatchObject({ name: "gitsync", status: "completed", conclusion: "failure" });
    expect(run?.annotations).toEqual([
      expect.objectContaining({ path: "syncs/bad.yaml", start_line: 1, end_line: 1, start_column: 8, annotation_level: "failure", title: "missing-reference" }),
      expect.objectContaining({ path: "syncs/orders-hourly.yaml", start_line: 6, end_line: 6, start_column: 15, annotation_level: "failure", title: "schema" }),
    ]);
    const [entry] = await w.store.listSyncLog("acme", { limit: 1 });
    expect(entry).toMatchObject({ direction: "INBOUND", status: "failed", commitSha: move.after });
    expect((await w.store.getSyncState("acme")).lastAppliedSha).toBe(seed);
  });

  it("refuses a push of a Latin-1 config file with the encoding rule at its line, as every other path does", async () => {
    const seed = await connect(w, "acme", [{ kind: "model", name: "orders", body: orders }]);
    const [path, content] = fileOf(w.catalog, { kind: "model", name: "orders", body: orders });
    // The bytes an editor saving in Latin-1 leaves: é as the single byte 0xe9, on line 2.
    const latin1 = Buffer.from(content.replace("primaryKey: order_id", "primaryKey: order_id\ndescription: caf\u00e9"), "latin1");
    const move = pushCommit(w.h.forge, { branch: "main", files: { [path]: latin1 } });
    expectSteps(w.h, inboundSteps(seed, move.after, 1));
    const [result] = await w.service.handleEvent(await pushEvent(w.h, move));

    expect(result?.outcome).toMatchObject({ status: "failed" });
    expect((await w.store.getResource("acme", "model", "orders"))?.body).toEqual(orders);
    const run = w.h.forge.checkRuns.find((r) => r.sha === move.after);
    expect(run).toMatchObject({ conclusion: "failure" });
    const line = latin1.subarray(0, latin1.indexOf(0xe9)).toString("latin1").split("\n").length;
    expect(run?.annotations).toEqual([expect.objectContaining({ path, start_line: line, title: "encoding" })]);
    const [entry] = await w.store.listSyncLog("acme", { limit: 1 });
    expect(entry).toMatchObject({ direction: "INBOUND", status: "failed", commitSha: move.after });
    expect(entry?.error).toContain(path);
    expect((await w.store.getSyncState("acme")).lastAppliedSha).toBe(seed);
  });

  it("snapshots to a dated branch with a pull request; merging it applies and clears pending changes", async () => {
    const seed = await connect(w, "acme", [{ kind: "model", name: "orders", body: orders }], "pull-request");
    await recordEdit(w, "acme", "model", leads, ada);
    await recordEdit(w, "acme", "model", { ...orders, primaryKey: "id" }, bob);
    await w.service.changed("acme");

    expectSteps(w.h, [
      { op: "resolveRef", ref: "main", exists: true },
      { op: "readFiles", sha: seed, path: "" },
    ]);
    expect(await w.service.snapshots.pending("acme")).toEqual([
      { project: "marketing", created: 1, updated: 0, deleted: 0 },
      { project: "sales", created: 0, updated: 1, deleted: 0 },
    ]);
    let since = 0;
    expect(measure(w, "pending", since)).toBe(3);

    const branch = "acme/2026.11.23.1";
    since = w.h.requestCount();
    expectSteps(w.h, [
      { op: "resolveRef", ref: "main", exists: true },
      { op: "readFiles", sha: seed, path: "" },
      { op: "resolveRef", ref: branch, exists: false },
      { op: "createBranch", branch, sha: seed },
      { op: "commit", branch, files: 2, outcome: "committed" },
      { op: "openPullRequest", head: branch, base: "main", existing: false },
    ]);
    const queued = await w.service.snapshots.start("acme", ada);
    expect(queued.status).toBe("queued");
    await w.service.idle();
    expect(measure(w, "snapshot", since)).toBe(12);

    const done = await w.store.getSyncLog("acme", queued.id);
    expect(done).toMatchObject({ status: "done", branch, prUrl: "https://github.com/acme/config/pull/1" });
    const [pull] = w.h.forge.pulls;
    expect(pull).toMatchObject({ number: 1, head: branch, base: "main", title: "acme: configuration snapshot 2026.11.23.1" });
    expect(pull!.body.indexOf("Project `marketing`")).toBeLessThan(pull!.body.indexOf("Project `sales`"));
    const snap = await w.h.snapshot((await w.h.head(branch)) as string);
    expect(snap["models/leads.yaml"]).toBe(serializeResource(w.catalog, "model", leads, "yaml"));
    expect(await w.h.head("main")).toBe(seed);

    // An admin merges it on GitHub: the merge commit arrives as a push of main.
    const merge = mergePull(w.h.forge, 1, ada);
    since = w.h.requestCount();
    expectSteps(w.h, inboundSteps(seed, merge.after));
    const [applied] = await w.service.handleEvent(await pushEvent(w.h, merge));
    expect(measure(w, "merge push", since)).toBe(8);
    expect(applied?.outcome).toMatchObject({ status: "applied" });
    expect((await w.store.getSyncState("acme")).lastAppliedSha).toBe(merge.after);

    since = w.h.requestCount();
    expectSteps(w.h, [
      { op: "resolveRef", ref: "main", exists: true },
      { op: "readFiles", sha: merge.after, path: "" },
    ]);
    expect(await w.service.snapshots.pending("acme")).toEqual([]);
    expect(measure(w, "pending after merge", since)).toBe(3);
    expect(await w.store.pendingOutbox("acme")).toEqual([]);
  });

  it("imports main into a second tenant, listing missing connections first", async () => {
    await connect(w, "acme", [
      { kind: "model", name: "orders", body: orders },
      { kind: "sync", name: "orders-to-crm", body: ordersToCrm },
    ]);
    const main = (await w.h.head("main")) as string;
    await w.store.createTenant({ slug: "prod", name: "prod" });
    await w.store.putConnection("prod", { name: "warehouse", type: "postgres" });

    const importSteps: ContractStep[] = [
      { op: "resolveRef", ref: "main", exists: true },
      { op: "readFiles", sha: main, path: "" },
    ];
    expectSteps(w.h, importSteps);
    const refused = await w.service.imports.run({ tenant: "prod", source: "acme", ref: "main", actor: ada });
    expect(measure(w, "import refused", 0)).toBe(3);
    expect(refused).toMatchObject({ status: "missing-connections", sha: main, missing: ["hubspot"] });
    expect(await w.store.listResources("prod")).toEqual([]);

    await w.store.putConnection("prod", { name: "hubspot", type: "hubspot" });
    const since = w.h.requestCount();
    expectSteps(w.h, importSteps);
    const done = await w.service.imports.run({ tenant: "prod", source: "acme", ref: "main", actor: ada });
    expect(measure(w, "import", since)).toBe(3);
    expect(done).toMatchObject({ status: "applied", sha: main });
    const imported = await w.store.listResources("prod");
    expect(imported.map((r) => [r.kind, r.name, r.body])).toEqual([
      ["model", "orders", orders],
      ["sync", "orders-to-crm", ordersToCrm],
    ].sort());
    const [entry] = await w.store.listSyncLog("prod", { limit: 1 });
    expect(entry).toMatchObject({ direction: "IMPORT", status: "done", commitSha: main });
    // The source tenant is untouched.
    expect(await w.store.pendingOutbox("acme")).toEqual([]);
  });

  it("commits exactly once when the worker dies between the commit and settling the outbox", async () => {
    const seed = await connect(w, "acme", [{ kind: "model", name: "orders", body: orders }]);
    const crashing = crashingStore(w.store);
    const first = new SyncService(syncDeps(crashing.store, w.catalog, w.h.provider));
    expectSteps(w.h, [
      { op: "resolveRef", ref: "main", exists: true },
      { op: "readFiles", sha: seed, path: "" },
      { op: "commit", branch: "main", files: 1, outcome: "committed" },
    ]);
    await recordEdit(w, "acme", "model", { ...orders, primaryKey: "id" }, ada);
    crashing.arm();
    // The first server is the only one working the jobs until it dies.
    await w.service.stop();
    await first.work();
    await first.changed("acme");
    await first.idle();
    await first.stop();
    expect(measure(w, "commit, then crash", 0)).toBe(8);
    const committed = (await w.h.head("main")) as string;
    expect(committed).not.toBe(seed);
    expect(await w.store.pendingOutbox("acme")).toHaveLength(1);

    // A new server starts: the outbox row is still there, but the branch already holds it.
    const since = w.h.requestCount();
    expectSteps(w.h, [
      { op: "resolveRef", ref: "main", exists: true },
      ...inboundSteps(seed, committed),
      { op: "readFiles", sha: committed, path: "" },
    ]);
    await w.service.start();
    await w.service.idle();
    expect(measure(w, "restart", since)).toBe(11);

    expect(await w.h.head("main")).toBe(committed);
    expect((await w.h.commitInfo(committed)).parents).toEqual([seed]);
    expect(w.h.forge.commits.size).toBe(2);
    expect(await w.store.pendingOutbox("acme")).toEqual([]);
    expect((await w.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("id");
  });
});
