import { rm } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FileChange } from "../../src/core/index.js";
import { SyncService } from "../../src/sync/service.js";
import { makeLocalWorld, setUpLocalTenant, type LocalWorld } from "../helpers/local-world.js";
import { ada, bob, leads, makeTempDir, orders, syncDeps, yamlOf } from "../helpers/sync-world.js";

/**
 * The reconcile over a real SQLite store and a real bare repository: a commit that reached the
 * branch without any webhook is applied like a push (only the difference) and said so in the
 * sync log; drift says which side holds what.
 */

let w: LocalWorld;
const logged: { obj: object; msg: string | undefined }[] = [];

beforeEach(async () => {
  w = await makeLocalWorld(await makeTempDir("reconcile"));
  logged.length = 0;
  const log = { info: (obj: object, msg?: string) => void logged.push({ obj, msg }), warn() {}, error() {} };
  w.service = new SyncService(syncDeps(w.store, w.catalog, w.provider, log));
  await setUpLocalTenant(w, "acme");
  await w.service.initialise("acme");
});
afterEach(async () => {
  await w.service.stop();
  await w.store.close();
  await rm(w.dir, { recursive: true, force: true });
});

/** A commit straight onto the branch, as a push with the hooks off would leave it: no event. */
async function silentCommit(changes: FileChange[]): Promise<string> {
  const before = (await w.provider.resolveRef({ repository: "acme" }, "main")) as string;
  const { sha } = await w.provider.commit({ repository: "acme", branch: "main", expectedHead: before, message: "edit\n", author: bob, committer: bob, changes });
  return sha as string;
}

describe("reconcile", () => {
  it("applies a commit no webhook told of, notes it, and is idle once in step", async () => {
    const head = await silentCommit([{ action: "upsert", path: "models/orders.yaml", content: yamlOf(w, "model", orders) }]);

    const [outcome] = await w.service.reconcile();

    expect(outcome).toMatchObject({ tenant: "acme", status: "caught-up", head, inbound: { status: "applied" } });
    expect((await w.store.getResource("acme", "model", "orders"))?.body).toEqual(orders);
    expect((await w.store.getSyncState("acme")).lastAppliedSha).toBe(head);
    const [entry] = await w.store.listSyncLog("acme", { limit: 1 });
    expect(entry).toMatchObject({ direction: "INBOUND", status: "done", commitSha: head, resources: ["model/orders"] });
    expect(entry?.note).toMatch(/^reconciled: the branch's head [0-9a-f]{12} had not been applied/);
    expect(logged.filter((l) => l.msg === "reconciled").map((l) => l.obj)).toEqual([
      expect.objectContaining({ tenant: "acme", commit: head, status: "applied" }),
    ]);
    expect(outcome?.drift).toMatchObject({ head, inSync: true, items: [] });

    const entries = (await w.store.listSyncLog("acme", { limit: 50 })).length;
    const [again] = await w.service.reconcile("acme");
    expect(again).toMatchObject({ status: "in-step", inbound: null });
    expect((await w.store.listSyncLog("acme", { limit: 50 })).length).toBe(entries);
  });

  it("reads only the difference since the last applied commit", async () => {
    await silentCommit([{ action: "upsert", path: "models/orders.yaml", content: yamlOf(w, "model", orders) }]);
    await w.service.reconcile("acme");
    // Changed in the app without going through the outbox: a full re-read would overwrite it.
    const kept = { ...orders, primaryKey: "kept" };
    await w.store.putResource("acme", { kind: "model", name: "orders", body: kept, project: "sales", actor: ada, outbox: false });
    const head = await silentCommit([{ action: "upsert", path: "models/leads.yaml", content: yamlOf(w, "model", leads) }]);

    const [outcome] = await w.service.reconcile("acme");

    expect(outcome?.inbound).toMatchObject({ status: "applied" });
    expect((await w.store.getResource("acme", "model", "leads"))?.body).toEqual(leads);
    expect((await w.store.getResource("acme", "model", "orders"))?.body).toEqual(kept);
    expect(outcome?.drift).toMatchObject({ head, inSync: false, items: [{ kind: "model", name: "orders", project: "sales", direction: "differs" }] });
  });

  it("refuses an invalid commit like a push, with the reconcile noted", async () => {
    const head = await silentCommit([{ action: "upsert", path: "models/broken.yaml", content: "name: broken\n" }]);
    const [outcome] = await w.service.reconcile("acme");
    expect(outcome?.inbound).toMatchObject({ status: "failed" });
    const [entry] = await w.store.listSyncLog("acme", { limit: 1 });
    expect(entry).toMatchObject({ status: "failed", commitSha: head });
    expect(entry?.note).toMatch(/^reconciled/);
    expect(await w.store.getResource("acme", "model", "broken")).toBeNull();
  });
});

describe("drift", () => {
  it("names each differing resource with the side that holds it", async () => {
    await silentCommit([
      { action: "upsert", path: "models/orders.yaml", content: yamlOf(w, "model", orders) },
      { action: "upsert", path: "models/leads.yaml", content: yamlOf(w, "model", leads) },
    ]);
    await w.service.reconcile("acme");
    await w.store.putResource("acme", { kind: "model", name: "orders", body: { ...orders, primaryKey: "id" }, project: "sales", actor: ada, outbox: false });
    await w.store.putResource("acme", { kind: "model", name: "extra", body: { ...orders, name: "extra" }, project: "sales", actor: ada, outbox: false });
    await w.store.deleteResource("acme", { kind: "model", name: "leads", actor: ada, outbox: false, mode: "archive" });

    const drift = await w.service.drift("acme");

    expect(drift.inSync).toBe(false);
    expect(drift.items).toEqual([
      { kind: "model", name: "extra", project: "sales", direction: "app-only" },
      { kind: "model", name: "leads", project: "marketing", direction: "git-only" },
      { kind: "model", name: "orders", project: "sales", direction: "differs" },
    ]);
    expect(await w.store.getDrift("acme")).toEqual(drift);
  });
});
