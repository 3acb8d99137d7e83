import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PushEvent } from "../../src/core/index.js";
import { useStrictHttpMock } from "./http-mock.js";
import {
  FetchRecorder,
  ada,
  apiEdit,
  bob,
  candidatePaths,
  connectTenant,
  crashingStore,
  leads,
  orders,
  recordEdit,
  reportCount,
  yamlOf,
  type ForgeAdapter,
  type SyncWorld,
  makeSyncWorld,
} from "./gitlab-bitbucket-world.js";

/**
 * Issue 5 point 7 on a hosted provider, engine level: a SyncService over a real SQLite store,
 * the provider talking to an in-memory forge through strict nock. Each scenario registers
 * exactly the provider operations the engine performs (the harness turns each into its
 * one-shot HTTP interceptors), so an extra or a missing request fails the test.
 */

const crmSync = "model: orders\ndestination: hubspot\nconfig: {}\nschedule:\n  type: interval\n  every: 15m\nschedulePaused: false\n";

export function describeSyncFlows(title: string, makeForge: () => ForgeAdapter): void {
  describe(title, () => {
    useStrictHttpMock();
    const recorder = new FetchRecorder();
    let forge: ForgeAdapter;
    let world: SyncWorld;
    let seed: string;
    let mark = 0;

    beforeEach(async () => {
      recorder.install();
      forge = makeForge();
      world = await makeSyncWorld(forge.provider);
      seed = await forge.seed({ "README.md": "# Configuration\n", "models/orders.yaml": yamlOf(world, "model", orders) });
      // The tenant is in step with the branch, as after its first resync.
      await connectTenant(world, { slug: "acme", provider: forge.name, repository: forge.repository, synced: seed });
      await world.store.putResource("acme", { kind: "model", name: "orders", body: orders, project: "sales", actor: ada, outbox: false });
      mark = recorder.mark();
    });
    afterEach(async () => {
      await world.close();
      recorder.uninstall();
    });

    const count = (scenario: string) => {
      const n = recorder.since(mark).length;
      reportCount(forge.name, scenario, n);
      return n;
    };

    async function parsePush(before: string, after: string, pusher = bob): Promise<PushEvent> {
      const event = await forge.provider.parseWebhook(forge.pushWebhook({ branch: "main", before, after, pusher }));
      expect(event).toMatchObject({ kind: "push", provider: forge.name, repository: forge.repository, branch: "main", before, after });
      return event as PushEvent;
    }

    /** What the engine reads and writes to apply one fast-forward push. */
    function expectInbound(last: string, after: string, paths: string[], annotations = 0): void {
      forge.expect({ op: "isAncestor", ancestor: after, descendant: last });
      forge.expect({ op: "isAncestor", ancestor: last, descendant: after });
      forge.expect({ op: "changedFiles", base: last, head: after, path: "" });
      forge.expect({ op: "readFiles", sha: after, path: "", paths });
      forge.expect({ op: "publishCheck", sha: after, annotations, status: "completed" });
    }

    it("commits API edits as one commit authored by the first person, co-authored by the next", async () => {
      const changed = { ...orders, primaryKey: "id" };
      forge.expect({ op: "resolveRef", ref: "main", exists: true });
      forge.expect({ op: "readFiles", sha: seed, path: "", paths: [...candidatePaths("models", "orders"), ...candidatePaths("models", "leads")] });
      forge.expect({ op: "commit", branch: "main", files: 2, outcome: "committed" });
      await recordEdit(world, "acme", "model", changed, ada);
      await recordEdit(world, "acme", "model", leads, bob);
      await world.service.changed("acme");
      await world.service.outbound.idle();

      const head = forge.head("main") as string;
      const commit = forge.commitInfo(head);
      expect(commit.parents).toEqual([seed]);
      expect(commit.author).toBe("Ada Lovelace <ada@example.com>");
      expect(commit.message).toBe(
        "Update 2 resources\n\n- model/orders\n- model/leads\n\nCo-authored-by: Bob Builder <bob@example.com>\nGitsync-Tenant: acme\n",
      );
      expect(forge.files(head)).toEqual({
        "README.md": "# Configuration\n",
        "models/orders.yaml": yamlOf(world, "model", changed),
        "models/leads.yaml": yamlOf(world, "model", leads),
      });
      expect(await world.store.pendingOutbox("acme")).toEqual([]);
      const [entry] = await world.store.listSyncLog("acme", { limit: 1 });
      expect(entry).toMatchObject({ direction: "OUTBOUND", status: "done", commitSha: head, author: "Ada Lovelace, Bob Builder" });
      expect(await world.store.getSyncState("acme")).toMatchObject({ lastAppliedSha: head, lastCommittedSha: head });
      const committed = count("API edit → commit");

      // Edited and edited back within one window: the files are read, no commit is made.
      mark = recorder.mark();
      forge.expect({ op: "resolveRef", ref: "main", exists: true });
      forge.expect({ op: "readFiles", sha: head, path: "", paths: candidatePaths("models", "orders") });
      await recordEdit(world, "acme", "model", { ...changed, primaryKey: "tmp" }, ada);
      await apiEdit(world, "acme", "model", changed, bob);
      await world.service.outbound.idle();
      expect(forge.head("main")).toBe(head);
      expect(await world.store.pendingOutbox("acme")).toEqual([]);
      expect(committed).toBeGreaterThan(0);
      count("edit and edit back → no commit");
    });

    it("applies a signed push that changes a YAML to the tenant, once", async () => {
      const edited = yamlOf(world, "model", orders).replace("primaryKey: order_id", "primaryKey: id");
      const after = forge.push("main", { "models/orders.yaml": edited, "syncs/orders-to-crm.yaml": crmSync }, bob, "Change the key\n");

      const forged = forge.pushWebhook({ branch: "main", before: seed, after, pusher: bob, validSignature: false });
      await expect(forge.provider.parseWebhook(forged)).rejects.toMatchObject({ code: "bad_signature" });

      const event = await parsePush(seed, after);
      expectInbound(seed, after, ["models/orders.yaml", "syncs/orders-to-crm.yaml"]);
      const [result] = await world.service.handleEvent(event);
      expect(result).toMatchObject({ tenant: "acme", outcome: { status: "applied" } });
      expect((await world.store.getResource("acme", "model", "orders"))?.body["primaryKey"]).toBe("id");
      expect((await world.store.getResource("acme", "sync", "orders-to-crm"))?.body["destination"]).toBe("hubspot");
      // Applied from git: nothing flows back out.
      expect(await world.store.pendingOutbox("acme")).toEqual([]);
      expect(forge.checkState(after)).toBe("success");
      const [entry] = await world.store.listSyncLog("acme", { limit: 1 });
      expect(entry).toMatchObject({ direction: "INBOUND", status: "done", commitSha: after });
      expect(entry?.resources).toEqual(["model/orders", "sync/orders-to-crm"]);
      count("push → tenant");

      // A redelivery and a second delivery of the same push make no request at all.
      mark = recorder.mark();
      expect(await world.service.handleEvent(event)).toEqual([]);
      const [again] = await world.service.handleEvent(await parsePush(seed, after));
      expect(again?.outcome).toMatchObject({ status: "noop" });
      expect(recorder.since(mark)).toEqual([]);
    });

    it("applies nothing from an invalid push and fails the commit's status", async () => {
      const edited = yamlOf(world, "model", orders).replace("primaryKey: order_id", "primaryKey: oid");
      const bad = "model: nowhere\ndestination: hubspot\nconfig: {}\nschedule: null\nschedulePaused: false\n";
      const after = forge.push("main", { "models/orders.yaml": edited, "syncs/bad.yaml": bad }, bob, "Broken\n");

      expectInbound(seed, after, ["models/orders.yaml", "syncs/bad.yaml"], 1);
      const [result] = await world.service.handleEvent(await parsePush(seed, after));
      expect(result?.outcome).toMatchObject({ status: "failed" });
      expect((await world.store.getResource("acme", "model", "orders"))?.body["primaryKey"]).toBe("order_id");
      expect(await world.store.getResource("acme", "sync", "bad")).toBeNull();
      expect(forge.checkState(after)).toBe("failure");
      if (forge.name === "bitbucket") {
        expect(forge.annotations(after)).toEqual([
          { path: "syncs/bad.yaml", line: 1, summary: expect.stringMatching(/^missing-reference: model 'nowhere'/) as string },
        ]);
      }
      const [entry] = await world.store.listSyncLog("acme", { limit: 1 });
      expect(entry).toMatchObject({ direction: "INBOUND", status: "failed", commitSha: after });
      expect(await world.store.getSyncState("acme")).toMatchObject({ lastAppliedSha: seed });
      count("invalid push → failed status");
    });

    it("snapshots to a dated branch with a pull request; its merge is applied and clears the pending changes", async () => {
      const git = await world.store.getGitConnection("acme");
      await world.store.putGitConnection("acme", { ...git, outbound: "pull-request" });
      await apiEdit(world, "acme", "model", leads, ada);
      await apiEdit(world, "acme", "model", { ...orders, primaryKey: "id" }, ada);

      forge.expect({ op: "resolveRef", ref: "main", exists: true });
      forge.expect({ op: "readFiles", sha: seed, path: "" });
      expect(await world.service.snapshots.pending("acme")).toEqual([
        { project: "marketing", created: 1, updated: 0, deleted: 0 },
        { project: "sales", created: 0, updated: 1, deleted: 0 },
      ]);

      const branch = "acme/2026.11.23.1";
      forge.expect({ op: "resolveRef", ref: "main", exists: true });
      forge.expect({ op: "readFiles", sha: seed, path: "" });
      forge.expect({ op: "resolveRef", ref: branch, exists: false });
      forge.expect({ op: "createBranch", branch, sha: seed });
      forge.expect({ op: "commit", branch, files: 2, outcome: "committed" });
      forge.expect({ op: "openPullRequest", head: branch, base: "main", existing: false });
      const queued = await world.service.snapshots.start("acme", ada);
      expect(queued.status).toBe("queued");
      await world.service.snapshots.idle();

      const done = await world.store.getSyncLog("acme", queued.id);
      const [pull] = forge.pulls();
      expect(done).toMatchObject({ status: "done", branch });
      expect(done?.prUrl).toMatch(/\/(merge_requests|pull-requests)\/1$/);
      expect(pull).toMatchObject({ number: 1, title: "acme: configuration snapshot 2026.11.23.1", head: branch, base: "main" });
      expect(pull?.body.indexOf("Project `marketing`")).toBeLessThan(pull?.body.indexOf("Project `sales`") ?? -1);
      const tip = forge.head(branch) as string;
      expect(forge.commitInfo(tip)).toMatchObject({ author: "Ada Lovelace <ada@example.com>", parents: [seed] });
      expect(forge.files(tip)["models/leads.yaml"]).toBe(yamlOf(world, "model", leads));
      expect(forge.head("main")).toBe(seed);
      count("snapshot → branch and pull request");

      // An admin merges it on the forge; the push of the merge commit is applied.
      mark = recorder.mark();
      const merged = forge.merge(1);
      expectInbound(seed, merged, ["models/leads.yaml", "models/orders.yaml"]);
      const [result] = await world.service.handleEvent(await parsePush(seed, merged, ada));
      expect(result?.outcome).toMatchObject({ status: "applied" });
      expect(forge.checkState(merged)).toBe("success");
      expect(await world.store.getSyncState("acme")).toMatchObject({ lastAppliedSha: merged });

      forge.expect({ op: "resolveRef", ref: "main", exists: true });
      forge.expect({ op: "readFiles", sha: merged, path: "" });
      expect(await world.service.snapshots.pending("acme")).toEqual([]);

      // Nothing left to sync: no branch, and the caller is told.
      forge.expect({ op: "resolveRef", ref: "main", exists: true });
      forge.expect({ op: "readFiles", sha: merged, path: "" });
      const second = await world.service.snapshots.start("acme", ada);
      await world.service.snapshots.idle();
      expect(await world.store.getSyncLog("acme", second.id)).toMatchObject({ status: "skipped", branch: null });
      expect(forge.head("acme/2026.11.23.2")).toBeNull();
      count("merge → applied, pending cleared, empty snapshot skipped");
    });

    it("imports a branch into a second tenant, only once its connections exist", async () => {
      const release = forge.push("release", { "syncs/orders-to-crm.yaml": crmSync }, bob, "Add the CRM sync\n");
      await connectTenant(world, { slug: "prod", provider: forge.name, repository: forge.repository, branch: "production", synced: null });
      await world.store.deleteConnection("prod", "hubspot");

      forge.expect({ op: "resolveRef", ref: "release", exists: true });
      forge.expect({ op: "readFiles", sha: release, path: "" });
      const missing = await world.service.imports.run({ tenant: "prod", source: "acme", ref: "release", actor: ada });
      expect(missing).toMatchObject({ status: "missing-connections", sha: release, missing: ["hubspot"] });
      expect(await world.store.listResources("prod")).toEqual([]);

      await world.store.putConnection("prod", { name: "hubspot", type: "hubspot" });
      forge.expect({ op: "resolveRef", ref: "release", exists: true });
      forge.expect({ op: "readFiles", sha: release, path: "" });
      const applied = await world.service.imports.run({ tenant: "prod", source: "acme", ref: "release", actor: ada });
      expect(applied).toMatchObject({ status: "applied", sha: release });
      expect((await world.store.listResources("prod")).map((r) => `${r.kind}/${r.name}`).sort()).toEqual(["model/orders", "sync/orders-to-crm"]);
      expect((await world.store.getResource("prod", "model", "orders"))?.body).toEqual(orders);
      // The import reaches prod's own branch through its outbox, like any app change.
      expect((await world.store.pendingOutbox("prod")).map((e) => `${e.kind}/${e.name}`).sort()).toEqual(["model/orders", "sync/orders-to-crm"]);
      const [entry] = await world.store.listSyncLog("prod", { limit: 1 });
      expect(entry).toMatchObject({ direction: "IMPORT", status: "done", commitSha: release, branch: "release" });
      // The source tenant is untouched.
      expect(await world.store.getResource("acme", "sync", "orders-to-crm")).toBeNull();
      count("import into a second tenant");
    });

    it("commits exactly once when the worker dies between the commit and the outbox update", async () => {
      const crash = crashingStore(world.store);
      const crashing = await world.restart(crash.store);
      const changed = { ...orders, primaryKey: "id" };

      forge.expect({ op: "resolveRef", ref: "main", exists: true });
      forge.expect({ op: "readFiles", sha: seed, path: "", paths: candidatePaths("models", "orders") });
      forge.expect({ op: "commit", branch: "main", files: 1, outcome: "committed" });
      await recordEdit(world, "acme", "model", changed, ada);
      crash.arm();
      await crashing.changed("acme");
      await crashing.outbound.idle();
      expect(crash.crashed()).toBe(true);
      const head = forge.head("main") as string;
      expect(forge.commitInfo(head).parents).toEqual([seed]);
      expect(await world.store.pendingOutbox("acme")).toHaveLength(1);
      await crashing.stop();

      // The restarted server finds the row, sees its own commit on the branch, commits nothing.
      forge.expect({ op: "resolveRef", ref: "main", exists: true });
      expectInbound(seed, head, ["models/orders.yaml"]);
      forge.expect({ op: "readFiles", sha: head, path: "", paths: candidatePaths("models", "orders") });
      const restarted = await world.restart();
      await restarted.outbound.idle();
      expect(forge.head("main")).toBe(head);
      expect(await world.store.pendingOutbox("acme")).toEqual([]);
      expect((await world.store.getResource("acme", "model", "orders"))?.body).toEqual(changed);
      expect(forge.files(head)["models/orders.yaml"]).toBe(yamlOf(world, "model", changed));
      count("crash between outbox and commit → one commit");
    });
  });
}
