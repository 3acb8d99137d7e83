import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serializeResource } from "../../src/catalog/serialize.js";
import { ada, apiEdit, bob, crashingStore, leads, makeTempDir, orders, recordEdit } from "../helpers/sync-world.js";
import { commitFiles, runGit, type FileChange } from "../helpers/working-copy.js";
import { localPushEvent, makeLocalWorld, setUpLocalTenant, type LocalWorld } from "../helpers/local-world.js";

/**
 * The sync flows end to end on the local provider: a real SQLite store, real bare repositories
 * and real `git clone`/`git push` from a working copy, as a user would.
 */

type World = LocalWorld;

const git = (cwd: string, args: string[]): string => runGit(cwd, args, bob);

/** Bob clones the tenant's branch into `<dir>/work`, commits `files` and pushes: the shas around it. */
async function pushFromClone(w: World, files: Record<string, FileChange>, message: string): Promise<{ before: string; after: string }> {
  const work = join(w.dir, "work");
  git(w.dir, ["clone", "-q", w.gitDir("acme"), work]);
  const before = git(work, ["rev-parse", "HEAD"]);
  await commitFiles(work, files, message, bob);
  git(work, ["push", "-q", "origin", "main"]);
  return { before, after: git(work, ["rev-parse", "HEAD"]) };
}

describe("sync flows on the local provider", () => {
  let dir: string;
  let w: World;

  beforeEach(async () => {
    dir = await makeTempDir("flows");
    w = await makeLocalWorld(dir);
    await setUpLocalTenant(w, "acme");
  });
  afterEach(async () => {
    await w.service.stop();
    await w.store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("commits an API edit after the debounce, authored by the person, holding only the file", async () => {
    await apiEdit(w, "acme", "model", orders, ada);
    await w.service.idle();
    const gd = w.gitDir("acme");
    expect(git(dir, ["--git-dir", gd, "log", "-1", "--format=%an <%ae>|%cn"])).toBe("Ada Lovelace <ada@example.com>|gitsync");
    expect(git(dir, ["--git-dir", gd, "log", "-1", "--format=%B"])).toBe("Create model orders\n\n- Create model orders\n\nGitsync-Tenant: acme");
    expect(git(dir, ["--git-dir", gd, "show", "main:models/orders.yaml"]) + "\n").toBe(serializeResource(w.catalog, "model", orders as never, "yaml"));
    const [entry] = (await w.store.listSyncLog("acme", { limit: 1 })) ?? [];
    expect(entry).toMatchObject({ direction: "OUTBOUND", status: "done" });
    expect(await w.store.pendingOutbox("acme")).toEqual([]);

    // Two people editing within one window: one commit, co-authored.
    await apiEdit(w, "acme", "model", { ...orders, primaryKey: "id" }, ada);
    await apiEdit(w, "acme", "model", { ...orders, name: "leads", tableName: "crm.leads" }, bob);
    await w.service.idle();
    expect(git(dir, ["--git-dir", gd, "rev-list", "--count", "main"])).toBe("2");
    expect(git(dir, ["--git-dir", gd, "log", "-1", "--format=%B"])).toBe(
      "Update 2 resources (1 created, 1 updated)\n\n- Update model orders\n- Create model leads\n\nCo-authored-by: Bob Builder <bob@example.com>\nGitsync-Tenant: acme",
    );

    // An unchanged write makes no commit.
    await apiEdit(w, "acme", "model", { ...orders, primaryKey: "id" }, ada);
    await w.service.idle();
    expect(git(dir, ["--git-dir", gd, "rev-list", "--count", "main"])).toBe("2");
  });

  it("applies a real git push to the tenant, once, and marks the commit with a check", async () => {
    await apiEdit(w, "acme", "model", orders, ada);
    await w.service.idle();
    const { before, after } = await pushFromClone(
      w,
      {
        "models/orders.yaml": (text) => text.replace("primaryKey: order_id", "primaryKey: id"),
        "syncs/orders-to-crm.yaml": "model: orders\ndestination: hubspot\nconfig: {}\nschedule:\n  type: interval\n  every: 15m\nschedulePaused: false\n",
      },
      "Change the key",
    );

    const event = localPushEvent("acme", before, after);
    const [result] = await w.service.handleEvent(event);
    expect(result?.outcome).toMatchObject({ status: "applied" });
    expect((await w.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("id");
    expect((await w.store.getResource("acme", "sync", "orders-to-crm"))?.body.destination).toBe("hubspot");
    // Applied from git: nothing goes back out.
    expect(await w.store.pendingOutbox("acme")).toEqual([]);
    const [check] = await w.store.listLocalChecks("acme", after);
    expect(check).toMatchObject({ name: "gitsync", status: "completed", conclusion: "success" });

    // A redelivery and a repeated push of the same commit change nothing.
    expect(await w.service.handleEvent(event)).toEqual([]);
    const [again] = await w.service.handleEvent({ ...event, deliveryId: randomUUID() });
    expect(again?.outcome).toMatchObject({ status: "noop" });
    // An older commit never rolls the tenant back.
    const [older] = await w.service.handleEvent(localPushEvent("acme", after, before));
    expect(older?.outcome).toMatchObject({ status: "noop" });
    expect((await w.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("id");
  });

  it("applies nothing from an invalid push and fails its check at the offending line", async () => {
    await apiEdit(w, "acme", "model", orders, ada);
    await w.service.idle();
    const { before, after } = await pushFromClone(
      w,
      {
        "models/orders.yaml": (text) => text.replace("order_id", "oid"),
        "syncs/bad.yaml": "model: nowhere\ndestination: hubspot\nconfig: {}\nschedule: null\nschedulePaused: false\n",
      },
      "Broken",
    );

    const [result] = await w.service.handleEvent(localPushEvent("acme", before, after));
    expect(result?.outcome).toMatchObject({ status: "failed" });
    expect((await w.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("order_id");
    expect(await w.store.getResource("acme", "sync", "bad")).toBeNull();
    const [check] = await w.store.listLocalChecks("acme", after);
    expect(check?.conclusion).toBe("failure");
    expect(check?.annotations).toEqual([
      expect.objectContaining({ path: "syncs/bad.yaml", line: 1, code: "missing-reference" }),
    ]);
    const [entry] = await w.store.listSyncLog("acme", { limit: 1 });
    expect(entry).toMatchObject({ direction: "INBOUND", status: "failed", commitSha: after });
  });

  it("keeps both sides of a conflict: git's change applies elsewhere, the app's goes to a branch and PR", async () => {
    await apiEdit(w, "acme", "model", orders, ada);
    await w.service.idle();
    const { before, after } = await pushFromClone(w, { "models/orders.yaml": (text) => text.replace("order_id", "git_key") }, "git side");
    // The app changes the same resource before the push is seen.
    await recordEdit(w, "acme", "model", { ...orders, primaryKey: "app_key" }, ada);

    const [result] = await w.service.handlePush(localPushEvent("acme", before, after));
    expect(result?.outcome).toMatchObject({ status: "applied", conflicts: ["model/orders"] });
    expect((await w.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("app_key");
    const branch = "gitsync/conflict/acme/1";
    expect(git(dir, ["--git-dir", w.gitDir("acme"), "show", `${branch}:models/orders.yaml`])).toContain("primaryKey: app_key");
    expect(git(dir, ["--git-dir", w.gitDir("acme"), "show", "main:models/orders.yaml"])).toContain("primaryKey: git_key");
    const pulls = await w.store.listLocalPulls("acme", "open");
    expect(pulls.map((p) => p.head)).toEqual([branch]);
    const log = await w.store.listSyncLog("acme", { limit: 5 });
    expect(log.some((e) => e.status === "conflict" && e.error?.includes(branch))).toBe(true);
  });

  it("snapshots to a dated branch with a PR, and merging it clears the pending changes", async () => {
    const git0 = await w.store.getGitConnection("acme");
    // The branch gets its first commit in direct mode, then the tenant switches to reviews.
    await apiEdit(w, "acme", "model", orders, ada);
    await w.service.idle();
    await w.store.putGitConnection("acme", { ...git0, outbound: "pull-request" });

    await apiEdit(w, "acme", "model", leads, ada);
    await recordEdit(w, "acme", "model", { ...orders, primaryKey: "id" }, ada);
    expect(await w.service.snapshots.pending("acme")).toEqual([
      { project: "marketing", created: 1, updated: 0, deleted: 0 },
      { project: "sales", created: 0, updated: 1, deleted: 0 },
    ]);

    const queued = await w.service.snapshots.start("acme", ada);
    expect(queued.status).toBe("queued");
    await w.service.idle();
    const done = await w.store.getSyncLog("acme", queued.id);
    expect(done).toMatchObject({ status: "done", branch: "acme/2026.11.23.1" });
    expect(done?.prUrl).toBeTruthy();
    expect(git(dir, ["--git-dir", w.gitDir("acme"), "log", "-1", "--format=%B", "acme/2026.11.23.1"])).toBe(
      "Snapshot of acme (2026.11.23.1)\n\n- Create model leads\n- Update model orders\n\nGitsync-Tenant: acme",
    );
    const [pull] = await w.store.listLocalPulls("acme", "open");
    expect(pull?.title).toContain("acme");
    const body = pull!.body;
    expect(body.indexOf("Project `marketing`")).toBeLessThan(body.indexOf("Project `sales`"));

    // An admin merges it: the merge comes back as a push, and nothing is pending any more.
    await w.provider.mergePullRequest("acme", pull!.number, ada);
    expect(await w.service.snapshots.pending("acme")).toEqual([]);
    const applied = await w.store.listSyncLog("acme", { limit: 1, direction: "INBOUND" });
    expect(applied[0]).toMatchObject({ status: "done" });

    // Nothing to sync: no branch, and the caller is told.
    const second = await w.service.snapshots.start("acme", ada);
    await w.service.idle();
    expect(await w.store.getSyncLog("acme", second.id)).toMatchObject({ status: "skipped", branch: null });
    expect(git(dir, ["--git-dir", w.gitDir("acme"), "branch", "--list", "acme/*"]).split("\n").length).toBe(1);
  });
});

describe("a crash between the outbox and the commit", () => {
  it("commits exactly once after a restart", async () => {
    const dir = await makeTempDir("crash");
    // The first run dies right after its commit, before the outbox rows are settled.
    const first = await makeLocalWorld(dir, (store) => crashingStore(store, { armed: true }).store);
    await setUpLocalTenant(first, "acme");
    await apiEdit(first, "acme", "model", orders, ada);
    await first.service.idle();
    const gd = first.gitDir("acme");
    expect(git(dir, ["--git-dir", gd, "rev-list", "--count", "main"])).toBe("1");
    expect(await first.store.pendingOutbox("acme")).toHaveLength(1);
    await first.service.stop();
    await first.store.close();

    const second = await makeLocalWorld(dir);
    await second.service.start();
    await second.service.idle();
    expect(git(dir, ["--git-dir", gd, "rev-list", "--count", "main"])).toBe("1");
    expect(await second.store.pendingOutbox("acme")).toEqual([]);
    expect((await second.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("order_id");
    await second.service.stop();
    await second.store.close();
    await rm(dir, { recursive: true, force: true });
  });
});
