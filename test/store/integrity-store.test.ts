import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import type { Actor, Diagnostic, JsonObject, Store } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import { referenceExtractor } from "../../src/sync/integrity/index.js";
import { postgresBackend, sqliteBackend, type Backend } from "./backends.js";

/** The reference index the store keeps on every write, and the findings a sync log entry keeps. */

const backends: Backend[] = [sqliteBackend(), postgresBackend(process.env.GITSYNC_TEST_DATABASE_URL)];
const ada: Actor = { name: "Ada", email: "ada@example.com" };

const model = (name: string, source = "warehouse"): JsonObject => ({
  name,
  source,
  type: "table",
  tableName: `public.${name}`,
  isSchema: false,
  primaryKey: "id",
});
const sync = (modelName: string): JsonObject => ({ model: modelName, destination: "hubspot", config: {}, schedule: null, schedulePaused: false });
const job = (name: string, dependsOn: string[]): JsonObject => ({ name, project: "p", enabled: true, dependsOn, tasks: [] });

describe.each(backends)("reference index on $name", (backend) => {
  describe.skipIf(backend.skipReason !== null)(backend.name, () => {
    let store: Store;
    let seq = 0;
    const newTenant = async (): Promise<string> => {
      const slug = `r${++seq}-${backend.name}`;
      await store.createTenant({ slug, name: slug });
      return slug;
    };
    const put = (tenant: string, kind: string, name: string, body: JsonObject) =>
      store.putResource(tenant, { kind, name, body, project: null, actor: ada, outbox: false });

    beforeAll(async () => {
      const catalog = await Catalog.load();
      store = await openStore({ ...(await backend.setup()), secretKey: randomBytes(32), references: referenceExtractor(catalog) });
    });
    afterAll(async () => {
      await store?.close();
      await backend.teardown();
    });

    it("answers who names a resource or a connection, with the field", async () => {
      const t = await newTenant();
      await put(t, "model", "accounts", model("accounts"));
      await put(t, "sync", "accounts-to-crm", sync("accounts"));
      await put(t, "sync", "accounts-to-ads", sync("accounts"));
      expect(await store.listReferrers(t, "model", "accounts")).toEqual([
        { kind: "sync", name: "accounts-to-ads", field: "model" },
        { kind: "sync", name: "accounts-to-crm", field: "model" },
      ]);
      expect(await store.listReferrers(t, "connection", "warehouse")).toEqual([{ kind: "model", name: "accounts", field: "source" }]);
      expect(await store.listReferrers(t, "connection", "hubspot")).toHaveLength(2);
      expect(await store.listReferrers(t, "model", "accounts", { limit: 1 })).toHaveLength(1);
    });

    it("follows every write: a changed body, an archive, a restore, a delete", async () => {
      const t = await newTenant();
      await put(t, "model", "a", model("a"));
      await put(t, "model", "b", model("b"));
      await put(t, "sync", "s", sync("a"));
      await put(t, "sync", "s", sync("b"));
      expect(await store.listReferrers(t, "model", "a")).toEqual([]);
      expect(await store.listReferrers(t, "model", "b")).toEqual([{ kind: "sync", name: "s", field: "model" }]);
      await store.deleteResource(t, { kind: "sync", name: "s", actor: ada, outbox: false, mode: "archive" });
      expect(await store.listReferrers(t, "model", "b")).toEqual([]);
      await put(t, "sync", "s", sync("b"));
      expect(await store.listReferrers(t, "model", "b")).toHaveLength(1);
      await store.deleteResource(t, { kind: "sync", name: "s", actor: ada, outbox: false, mode: "delete" });
      expect(await store.listReferrers(t, "model", "b")).toEqual([]);
    });

    it("indexes array fields with their index, and nothing of a rolled-back write", async () => {
      const t = await newTenant();
      await put(t, "job", "load", job("load", ["extract", "clean"]));
      expect(await store.listReferrers(t, "job", "clean")).toEqual([{ kind: "job", name: "load", field: "dependsOn[1]" }]);
      await expect(
        store.transaction(async (tx) => {
          await tx.putResource(t, { kind: "job", name: "other", body: job("other", ["clean"]), project: null, actor: ada, outbox: false });
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(await store.listReferrers(t, "job", "clean")).toHaveLength(1);
    });

    it("rebuilds a tenant's index from its live resources", async () => {
      const t = await newTenant();
      await put(t, "model", "m", model("m"));
      await put(t, "sync", "s", sync("m"));
      await put(t, "sync", "gone", sync("m"));
      await store.deleteResource(t, { kind: "sync", name: "gone", actor: ada, outbox: false, mode: "archive" });
      expect(await store.rebuildReferences(t)).toBe(3);
      expect(await store.listReferrers(t, "model", "m")).toEqual([{ kind: "sync", name: "s", field: "model" }]);
    });

    it("gets several resources of a kind by name in one call", async () => {
      const t = await newTenant();
      await put(t, "model", "a", model("a"));
      await put(t, "model", "b", model("b"));
      const found = await store.getResources(t, "model", ["a", "b", "missing"]);
      expect(found.map((r) => r.name).sort()).toEqual(["a", "b"]);
      expect(await store.getResources(t, "model", [])).toEqual([]);
    });

    it("keeps a refused sync's first 100 findings, errors first, and their count", async () => {
      const t = await newTenant();
      const finding = (i: number, severity: Diagnostic["severity"]): Diagnostic => ({
        file: `syncs/s${i}.yaml`,
        line: i + 1,
        column: 8,
        code: "missing-reference",
        severity,
        message: `finding ${i}`,
      });
      const diagnostics = [finding(0, "warning"), ...Array.from({ length: 120 }, (_, i) => finding(i + 1, "error"))];
      const entry = await store.appendSyncLog(t, { direction: "INBOUND", status: "failed", commitSha: "a".repeat(40), diagnostics });
      expect(entry.diagnosticCount).toBe(121);
      expect(entry.diagnostics).toHaveLength(100);
      expect(entry.diagnostics[0]).toEqual(finding(1, "error"));
      expect(entry.diagnostics.every((d) => d.severity === "error")).toBe(true);
      expect((await store.getSyncLog(t, entry.id))?.diagnostics).toEqual(entry.diagnostics);
      const plain = await store.appendSyncLog(t, { direction: "INBOUND", status: "done" });
      expect(plain).toMatchObject({ diagnostics: [], diagnosticCount: 0 });
      expect((await store.listSyncLog(t, { limit: 5, commitSha: "aaaaaaa" })).map((e) => e.id)).toEqual([entry.id]);
    });
  });
});
