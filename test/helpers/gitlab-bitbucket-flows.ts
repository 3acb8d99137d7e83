import { describe, expect, it } from "vitest";
import type { PushEvent } from "../../src/core/index.js";
import { candidatePaths, connectTenant, reportCount, useForgeScenario, type ForgeAdapter } from "./gitlab-bitbucket-world.js";
import { ada, apiEdit, bob, crashingStore, leads, orders, recordEdit, yamlOf } from "./sync-world.js";

/**
 * The sync flows on a hosted provider, engine level: a SyncService over a real SQLite store,
 * the provider talking to an in-memory forge through strict nock. Each scenario registers
 * exactly the provider operations the engine performs (the harness turns each into its
 * one-shot HTTP interceptors), so an extra or a missing request fails the test.
 */

const crmSync = "model: orders\ndestination: hubspot\nconfig: {}\nschedule:\n  type: interval\n  every: 15m\nschedulePaused: false\n";

export function describeSyncFlows(title: string, makeForge: () => ForgeAdapter): void {
  describe(title, () => {
    const s = useForgeScenario(makeForge);

    const count = (scenario: string) => {
      const n = s.recorder.since(s.mark).length;
      reportCount(s.forge.name, scenario, n);
      return n;
    };

    async function parsePush(before: string, after: string, pusher = bob): Promise<PushEvent> {
      const event = await s.forge.provider.parseWebhook(s.forge.pushWebhook({ branch: "main", before, after, pusher }));
      expect(event).toMatchObject({ kind: "push", provider: s.forge.name, repository: s.forge.repository, branch: "main", before, after });
      return event as PushEvent;
    }

    /** What the engine reads and writes to apply one fast-forward push. */
    function expectInbound(last: string, after: string, paths: string[], annotations = 0): void {
      s.forge.expect({ op: "isAncestor", ancestor: after, descendant: last });
      s.forge.expect({ op: "isAncestor", ancestor: last, descendant: after });
      s.forge.expect({ op: "changedFiles", base: last, head: after, path: "" });
      s.forge.expect({ op: "readFiles", sha: after, path: "", paths });
      s.forge.expect({ op: "publishCheck", sha: after, annotations, status: "completed" });
    }

    it("commits API edits as one commit authored by the first person, co-authored by the next", async () => {
      const changed = { ...orders, primaryKey: "id" };
      s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
      s.forge.expect({ op: "readFiles", sha: s.seed, path: "", paths: [...candidatePaths("models", "orders"), ...candidatePaths("models", "leads")] });
      s.forge.expect({ op: "commit", branch: "main", files: 2, outcome: "committed", treeRead: true, headRead: true });
      await recordEdit(s.world, "acme", "model", changed, ada);
      await recordEdit(s.world, "acme", "model", leads, bob);
      await s.world.service.changed("acme");
      await s.world.service.idle();

      const head = s.forge.head("main") as string;
      const commit = s.forge.commitInfo(head);
      expect(commit.parents).toEqual([s.seed]);
      expect(commit.author).toBe("Ada Lovelace <ada@example.com>");
      expect(commit.message).toBe(
        "Update 2 resources (1 created, 1 updated)\n\n- Update model orders\n- Create model leads\n\nCo-authored-by: Bob Builder <bob@example.com>\nGitsync-Tenant: acme\n",
      );
      expect(s.forge.files(head)).toEqual({
        "README.md": "# Configuration\n",
        "models/orders.yaml": yamlOf(s.world, "model", changed),
        "models/leads.yaml": yamlOf(s.world, "model", leads),
      });
      expect(await s.world.store.pendingOutbox("acme")).toEqual([]);
      const [entry] = await s.world.store.listSyncLog("acme", { limit: 1 });
      expect(entry).toMatchObject({ direction: "OUTBOUND", status: "done", commitSha: head, author: "Ada Lovelace, Bob Builder" });
      expect(await s.world.store.getSyncState("acme")).toMatchObject({ lastAppliedSha: head, lastCommittedSha: head });
      const committed = count("API edit → commit");

      // Edited and edited back within one window: the files are read, no commit is made.
      s.mark = s.recorder.mark();
      s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
      s.forge.expect({ op: "readFiles", sha: head, path: "", paths: candidatePaths("models", "orders") });
      await recordEdit(s.world, "acme", "model", { ...changed, primaryKey: "tmp" }, ada);
      await apiEdit(s.world, "acme", "model", changed, bob);
      await s.world.service.idle();
      expect(s.forge.head("main")).toBe(head);
      expect(await s.world.store.pendingOutbox("acme")).toEqual([]);
      expect(committed).toBeGreaterThan(0);
      count("edit and edit back → no commit");
    });

    it("applies a signed push that changes a YAML to the tenant, once", async () => {
      const edited = yamlOf(s.world, "model", orders).replace("primaryKey: order_id", "primaryKey: id");
      const after = s.forge.push("main", { "models/orders.yaml": edited, "syncs/orders-to-crm.yaml": crmSync }, bob, "Change the key\n");

      const forged = s.forge.pushWebhook({ branch: "main", before: s.seed, after, pusher: bob, validSignature: false });
      await expect(s.forge.provider.parseWebhook(forged)).rejects.toMatchObject({ code: "bad_signature" });

      const event = await parsePush(s.seed, after);
      expectInbound(s.seed, after, ["models/orders.yaml", "syncs/orders-to-crm.yaml"]);
      const [result] = await s.world.service.handleEvent(event);
      expect(result).toMatchObject({ tenant: "acme", outcome: { status: "applied" } });
      expect((await s.world.store.getResource("acme", "model", "orders"))?.body["primaryKey"]).toBe("id");
      expect((await s.world.store.getResource("acme", "sync", "orders-to-crm"))?.body["destination"]).toBe("hubspot");
      // Applied from git: nothing flows back out.
      expect(await s.world.store.pendingOutbox("acme")).toEqual([]);
      expect(s.forge.checkState(after)).toBe("success");
      const [entry] = await s.world.store.listSyncLog("acme", { limit: 1 });
      expect(entry).toMatchObject({ direction: "INBOUND", status: "done", commitSha: after });
      expect(entry?.resources).toEqual(["model/orders", "sync/orders-to-crm"]);
      count("push → tenant");

      // A redelivery and a second delivery of the same push make no request at all.
      s.mark = s.recorder.mark();
      expect(await s.world.service.handleEvent(event)).toEqual([]);
      const [again] = await s.world.service.handleEvent(await parsePush(s.seed, after));
      expect(again?.outcome).toMatchObject({ status: "noop" });
      expect(s.recorder.since(s.mark)).toEqual([]);
    });

    it("applies nothing from an invalid push and fails the commit's status", async () => {
      const edited = yamlOf(s.world, "model", orders).replace("primaryKey: order_id", "primaryKey: oid");
      const bad = "model: nowhere\ndestination: hubspot\nconfig: {}\nschedule: null\nschedulePaused: false\n";
      const after = s.forge.push("main", { "models/orders.yaml": edited, "syncs/bad.yaml": bad }, bob, "Broken\n");

      expectInbound(s.seed, after, ["models/orders.yaml", "syncs/bad.yaml"], 1);
      const [result] = await s.world.service.handleEvent(await parsePush(s.seed, after));
      expect(result?.outcome).toMatchObject({ status: "failed" });
      expect((await s.world.store.getResource("acme", "model", "orders"))?.body["primaryKey"]).toBe("order_id");
      expect(await s.world.store.getResource("acme", "sync", "bad")).toBeNull();
      expect(s.forge.checkState(after)).toBe("failure");
      if (s.forge.name === "bitbucket") {
        expect(s.forge.annotations(after)).toEqual([
          { path: "syncs/bad.yaml", line: 1, summary: expect.stringMatching(/^missing-reference: model 'nowhere'/) as string },
        ]);
      }
      const [entry] = await s.world.store.listSyncLog("acme", { limit: 1 });
      expect(entry).toMatchObject({ direction: "INBOUND", status: "failed", commitSha: after });
      expect(await s.world.store.getSyncState("acme")).toMatchObject({ lastAppliedSha: s.seed });
      count("invalid push → failed status");
    });

    it("snapshots to a dated branch with a pull request; its merge is applied and clears the pending changes", async () => {
      const git = await s.world.store.getGitConnection("acme");
      await s.world.store.putGitConnection("acme", { ...git, outbound: "pull-request" });
      await apiEdit(s.world, "acme", "model", leads, ada);
      await apiEdit(s.world, "acme", "model", { ...orders, primaryKey: "id" }, ada);

      s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
      s.forge.expect({ op: "readFiles", sha: s.seed, path: "" });
      expect(await s.world.service.snapshots.pending("acme")).toEqual([
        { project: "marketing", created: 1, updated: 0, deleted: 0 },
        { project: "sales", created: 0, updated: 1, deleted: 0 },
      ]);

      const branch = "acme/2026.11.23.1";
      s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
      s.forge.expect({ op: "readFiles", sha: s.seed, path: "" });
      s.forge.expect({ op: "resolveRef", ref: branch, exists: false });
      s.forge.expect({ op: "createBranch", branch, sha: s.seed });
      s.forge.expect({ op: "commit", branch, files: 2, outcome: "committed" });
      s.forge.expect({ op: "openPullRequest", head: branch, base: "main", existing: false });
      const queued = await s.world.service.snapshots.start("acme", ada);
      expect(queued.status).toBe("queued");
      await s.world.service.idle();

      const done = await s.world.store.getSyncLog("acme", queued.id);
      const [pull] = s.forge.pulls();
      expect(done).toMatchObject({ status: "done", branch });
      expect(done?.prUrl).toMatch(/\/(merge_requests|pull-requests)\/1$/);
      expect(pull).toMatchObject({ number: 1, title: "acme: configuration snapshot 2026.11.23.1", head: branch, base: "main" });
      expect(pull?.body.indexOf("Project `marketing`")).toBeLessThan(pull?.body.indexOf("Project `sales`") ?? -1);
      const tip = s.forge.head(branch) as string;
      expect(s.forge.commitInfo(tip)).toMatchObject({ author: "Ada Lovelace <ada@example.com>", parents: [s.seed] });
      expect(s.forge.files(tip)["models/leads.yaml"]).toBe(yamlOf(s.world, "model", leads));
      expect(s.forge.head("main")).toBe(s.seed);
      count("snapshot → branch and pull request");

      // An admin merges it on the forge; the push of the merge commit is applied.
      s.mark = s.recorder.mark();
      const merged = s.forge.merge(1);
      expectInbound(s.seed, merged, ["models/leads.yaml", "models/orders.yaml"]);
      const [result] = await s.world.service.handleEvent(await parsePush(s.seed, merged, ada));
      expect(result?.outcome).toMatchObject({ status: "applied" });
      expect(s.forge.checkState(merged)).toBe("success");
      expect(await s.world.store.getSyncState("acme")).toMatchObject({ lastAppliedSha: merged });

      s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
      s.forge.expect({ op: "readFiles", sha: merged, path: "" });
      expect(await s.world.service.snapshots.pending("acme")).toEqual([]);

      // Nothing left to sync: no branch, and the caller is told.
      s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
      s.forge.expect({ op: "readFiles", sha: merged, path: "" });
      const second = await s.world.service.snapshots.start("acme", ada);
      await s.world.service.idle();
      expect(await s.world.store.getSyncLog("acme", second.id)).toMatchObject({ status: "skipped", branch: null });
      expect(s.forge.head("acme/2026.11.23.2")).toBeNull();
      count("merge → applied, pending cleared, empty snapshot skipped");
    });

    it("imports a branch into a second tenant, only once its connections exist", async () => {
      const release = s.forge.push("release", { "syncs/orders-to-crm.yaml": crmSync }, bob, "Add the CRM sync\n");
      await connectTenant(s.world, { slug: "prod", provider: s.forge.name, repository: s.forge.repository, branch: "production", synced: null });
      await s.world.store.deleteConnection("prod", "hubspot");

      s.forge.expect({ op: "resolveRef", ref: "release", exists: true });
      s.forge.expect({ op: "readFiles", sha: release, path: "" });
      const missing = await s.world.service.imports.run({ tenant: "prod", source: "acme", ref: "release", actor: ada });
      expect(missing).toMatchObject({ status: "missing-connections", sha: release, missing: ["hubspot"] });
      expect(await s.world.store.listResources("prod")).toEqual([]);

      await s.world.store.putConnection("prod", { name: "hubspot", type: "hubspot" });
      s.forge.expect({ op: "resolveRef", ref: "release", exists: true });
      s.forge.expect({ op: "readFiles", sha: release, path: "" });
      const applied = await s.world.service.imports.run({ tenant: "prod", source: "acme", ref: "release", actor: ada });
      expect(applied).toMatchObject({ status: "applied", sha: release });
      expect((await s.world.store.listResources("prod")).map((r) => `${r.kind}/${r.name}`).sort()).toEqual(["model/orders", "sync/orders-to-crm"]);
      expect((await s.world.store.getResource("prod", "model", "orders"))?.body).toEqual(orders);
      // The import reaches prod's own branch through its outbox, like any app change.
      expect((await s.world.store.pendingOutbox("prod")).map((e) => `${e.kind}/${e.name}`).sort()).toEqual(["model/orders", "sync/orders-to-crm"]);
      const [entry] = await s.world.store.listSyncLog("prod", { limit: 1 });
      expect(entry).toMatchObject({ direction: "IMPORT", status: "done", commitSha: release, branch: "release" });
      // The source tenant is untouched.
      expect(await s.world.store.getResource("acme", "sync", "orders-to-crm")).toBeNull();
      count("import into a second tenant");
    });

    it("commits exactly once when the worker dies between the commit and the outbox update", async () => {
      const crash = crashingStore(s.world.store);
      const crashing = await s.world.restart(crash.store);
      const changed = { ...orders, primaryKey: "id" };

      s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
      s.forge.expect({ op: "readFiles", sha: s.seed, path: "", paths: candidatePaths("models", "orders") });
      s.forge.expect({ op: "commit", branch: "main", files: 1, outcome: "committed", treeRead: true, headRead: true });
      await recordEdit(s.world, "acme", "model", changed, ada);
      crash.arm();
      await crashing.changed("acme");
      await crashing.idle();
      expect(crash.crashed()).toBe(true);
      const head = s.forge.head("main") as string;
      expect(s.forge.commitInfo(head).parents).toEqual([s.seed]);
      expect(await s.world.store.pendingOutbox("acme")).toHaveLength(1);
      await crashing.stop();

      // The restarted server finds the row, sees its own commit on the branch, commits nothing.
      s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
      expectInbound(s.seed, head, ["models/orders.yaml"]);
      s.forge.expect({ op: "readFiles", sha: head, path: "", paths: candidatePaths("models", "orders") });
      const restarted = await s.world.restart();
      await restarted.idle();
      expect(s.forge.head("main")).toBe(head);
      expect(await s.world.store.pendingOutbox("acme")).toEqual([]);
      expect((await s.world.store.getResource("acme", "model", "orders"))?.body).toEqual(changed);
      expect(s.forge.files(head)["models/orders.yaml"]).toBe(yamlOf(s.world, "model", changed));
      count("crash between outbox and commit → one commit");
    });
  });
}
