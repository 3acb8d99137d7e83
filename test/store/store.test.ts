import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigError,
  ConflictError,
  DEFAULT_GIT_CONNECTION,
  GitsyncError,
  NotFoundError,
  PreconditionFailedError,
  type Actor,
  type JsonObject,
  type Store,
} from "../../src/core/index.js";
import { connect } from "../../src/store/database.js";
import { openStore } from "../../src/store/index.js";
import { StoreMigrations } from "../../src/store/migrations/index.js";
import type { Database } from "../../src/store/schema.js";
import { postgresBackend, sqliteBackend, type Backend } from "./backends.js";

const pgUrl = process.env.GITSYNC_TEST_DATABASE_URL;
const backends: Backend[] = [sqliteBackend(), postgresBackend(pgUrl)];
for (const b of backends) if (b.skipReason) console.warn(`store suite: ${b.name} half skipped: ${b.skipReason}`);

const ada: Actor = { name: "Ada Lovelace", email: "ada@example.com" };
const bob: Actor = { name: "Bob", email: "bob@example.com" };
const model = (sql: string): JsonObject => ({ name: "orders", source: "warehouse", type: "raw_sql", rawSql: sql, primaryKey: "id" });

describe.each(backends)("Store on $name", (backend) => {
  describe.skipIf(backend.skipReason !== null)(backend.name, () => {
    let store: Store;
    let raw: Kysely<Database>;
    let location: { databaseUrl: string | null; dataDir: string };
    const key = randomBytes(32);
    let seq = 0;
    /** Every test works in its own tenant, so tests never see each other's rows. */
    const newTenant = async (): Promise<string> => {
      const slug = `t${++seq}-${backend.name}`;
      await store.createTenant({ slug, name: `Tenant ${seq}` });
      return slug;
    };

    beforeAll(async () => {
      location = await backend.setup();
      store = await openStore({ ...location, secretKey: key });
      raw = connect(location).db;
    });

    afterAll(async () => {
      await raw?.destroy();
      await store?.close();
      await backend.teardown();
    });

    it.skipIf(backend.name !== "postgres")("survives the server ending its idle connections, and says so", async () => {
      const warnings: string[] = [];
      const watched = await openStore({ ...location, secretKey: key, logger: { info() {}, warn: (m) => warnings.push(m) } });
      await watched.ping();
      // As a server restart or an administrator would: end every other session of this database.
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(raw);
      await expect.poll(() => warnings.length).toBeGreaterThan(0);
      expect(warnings[0]).toMatch(/idle database connection was closed/);
      await watched.ping();
      await watched.close();
      await store.ping();
    });

    it("migrates idempotently and answers ping", async () => {
      const again = await openStore({ ...location, secretKey: key });
      await again.ping();
      await again.close();
      await store.ping();
      const applied = (await raw.selectFrom("kysely_migration" as never).selectAll().execute()) as { name: string }[];
      const known = Object.keys(await new StoreMigrations(backend.name).getMigrations());
      expect(applied.map((m) => m.name).sort()).toEqual(known.sort());
      if (backend.name === "sqlite") expect(existsSync(join(location.dataDir, "gitsync.db"))).toBe(true);
    });

    describe("tenants", () => {
      it("creates a tenant with its default git connection and sync state", async () => {
        const tenant = await store.createTenant({ slug: "acme", name: "Acme" });
        expect(tenant.slug).toBe("acme");
        expect(new Date(tenant.createdAt).toISOString()).toBe(tenant.createdAt);
        expect(await store.getTenant("acme")).toEqual(tenant);
        expect(await store.getGitConnection("acme")).toEqual({ ...DEFAULT_GIT_CONNECTION, repository: "acme" });
        expect(await store.getGitToken("acme")).toBeNull();
        expect(await store.getSyncState("acme")).toMatchObject({ lastAppliedSha: null, lastCommittedSha: null });
        expect((await store.listTenants()).map((t) => t.slug)).toContain("acme");
      });

      it("rejects a duplicate slug and a malformed one", async () => {
        await store.createTenant({ slug: "dup", name: "One" });
        await expect(store.createTenant({ slug: "dup", name: "Two" })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.createTenant({ slug: "Bad_Slug", name: "x" })).rejects.toMatchObject({ code: "bad_request", details: { field: "slug" } });
        expect(await store.getTenant("nope")).toBeNull();
        await expect(store.getGitConnection("nope")).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.getSyncState("nope")).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe("resources", () => {
      it("creates, reads, lists and updates with version bumps and outbox rows", async () => {
        const t = await newTenant();
        const created = await store.putResource(t, { kind: "model", name: "orders", body: model("select 1"), project: "sales", actor: ada, outbox: true });
        expect(created).toMatchObject({ kind: "model", name: "orders", version: 1, project: "sales", archived: false, updatedBy: "Ada Lovelace <ada@example.com>" });
        expect(created.body).toEqual(model("select 1"));
        await store.putResource(t, { kind: "sync", name: "orders-to-crm", body: { model: "orders" }, project: null, actor: ada, outbox: false });

        const updated = await store.putResource(t, { kind: "model", name: "orders", body: model("select 2"), project: "sales", expectedVersion: 1, actor: bob, outbox: true });
        expect(updated.version).toBe(2);
        expect(updated.updatedBy).toBe("Bob <bob@example.com>");
        expect(await store.getResource(t, "model", "orders")).toEqual(updated);
        expect(await store.getResource(t, "model", "missing")).toBeNull();

        expect((await store.listResources(t)).map((r) => `${r.kind}/${r.name}`)).toEqual(["model/orders", "sync/orders-to-crm"]);
        expect((await store.listResources(t, "sync")).map((r) => r.name)).toEqual(["orders-to-crm"]);

        const outbox = await store.pendingOutbox(t);
        expect(outbox.map((o) => [o.kind, o.name, o.operation, o.version, o.actor.email])).toEqual([
          ["model", "orders", "upsert", 1, "ada@example.com"],
          ["model", "orders", "upsert", 2, "bob@example.com"],
        ]);
      });

      it("keeps the body's key order and nested values as written", async () => {
        const t = await newTenant();
        const body = { zeta: 1, alpha: { nested: [1, "two", null, true] }, mid: "x" };
        await store.putResource(t, { kind: "job", name: "nightly", body, project: null, actor: ada, outbox: false });
        const read = await store.getResource(t, "job", "nightly");
        expect(Object.keys(read?.body ?? {})).toEqual(["zeta", "alpha", "mid"]);
        expect(read?.body).toEqual(body);
      });

      it("treats an equal body as a no-op: no version bump, no outbox row", async () => {
        const t = await newTenant();
        const first = await store.putResource(t, { kind: "model", name: "orders", body: { a: 1, b: [1, 2] }, project: null, actor: ada, outbox: true });
        const again = await store.putResource(t, { kind: "model", name: "orders", body: { b: [1, 2], a: 1 }, project: null, actor: bob, outbox: true });
        expect(again).toEqual(first);
        expect(await store.pendingOutbox(t)).toHaveLength(1);
        const moved = await store.putResource(t, { kind: "model", name: "orders", body: { a: 1, b: [1, 2] }, project: "other", actor: bob, outbox: true });
        expect(moved.version).toBe(2);
      });

      it("enforces expectedVersion: null must not exist, a number must match", async () => {
        const t = await newTenant();
        const put = (expectedVersion: number | null | undefined, sql: string) =>
          store.putResource(t, { kind: "model", name: "orders", body: model(sql), project: null, expectedVersion, actor: ada, outbox: true });
        await expect(put(3, "a")).rejects.toBeInstanceOf(PreconditionFailedError);
        await put(null, "a");
        await expect(put(null, "b")).rejects.toBeInstanceOf(ConflictError);
        await expect(put(7, "b")).rejects.toMatchObject({ code: "precondition_failed", details: { version: 1, expectedVersion: 7 } });
        expect((await put(1, "b")).version).toBe(2);
        expect((await put(undefined, "c")).version).toBe(3);
        expect((await store.pendingOutbox(t)).map((o) => o.version)).toEqual([1, 2, 3]);
      });

      it("archives, hides from lists, and restores on put", async () => {
        const t = await newTenant();
        await store.putResource(t, { kind: "model", name: "orders", body: model("a"), project: null, actor: ada, outbox: true });
        await expect(store.deleteResource(t, { kind: "model", name: "orders", expectedVersion: 5, actor: bob, outbox: true, mode: "archive" })).rejects.toBeInstanceOf(
          PreconditionFailedError,
        );
        await store.deleteResource(t, { kind: "model", name: "orders", expectedVersion: 1, actor: bob, outbox: true, mode: "archive" });
        expect(await store.listResources(t)).toEqual([]);
        const archived = await store.getResource(t, "model", "orders");
        expect(archived).toMatchObject({ archived: true, version: 2 });
        expect((await store.listResources(t, undefined, { includeArchived: true })).map((r) => r.name)).toEqual(["orders"]);
        await expect(store.deleteResource(t, { kind: "model", name: "orders", actor: bob, outbox: true, mode: "archive" })).rejects.toBeInstanceOf(NotFoundError);

        // Same body as before archiving: still a change, because it brings the resource back.
        const restored = await store.putResource(t, { kind: "model", name: "orders", body: model("a"), project: null, expectedVersion: null, actor: ada, outbox: true });
        expect(restored).toMatchObject({ archived: false, version: 3 });
        expect((await store.pendingOutbox(t)).map((o) => `${o.operation}@${o.version}`)).toEqual(["upsert@1", "delete@2", "upsert@3"]);
      });

      it("deletes for good, and reports absent resources and tenants", async () => {
        const t = await newTenant();
        await store.putResource(t, { kind: "model", name: "orders", body: model("a"), project: null, actor: ada, outbox: false });
        await store.deleteResource(t, { kind: "model", name: "orders", actor: bob, outbox: true, mode: "delete" });
        expect(await store.getResource(t, "model", "orders")).toBeNull();
        expect(await store.listResources(t, undefined, { includeArchived: true })).toEqual([]);
        expect((await store.pendingOutbox(t)).map((o) => [o.operation, o.version, o.actor.name])).toEqual([["delete", 2, "Bob"]]);
        await expect(store.deleteResource(t, { kind: "model", name: "orders", actor: bob, outbox: true, mode: "delete" })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.putResource("no-such-tenant", { kind: "model", name: "x", body: {}, project: null, actor: ada, outbox: true })).rejects.toBeInstanceOf(
          NotFoundError,
        );
        await expect(store.putResource(t, { kind: "model", name: "Bad Name", body: {}, project: null, actor: ada, outbox: true })).rejects.toMatchObject({
          code: "bad_request",
          details: { field: "name" },
        });
      });

      it("names the missing or stale version, purges an archived resource and restores one by version", async () => {
        const t = await newTenant();
        const del = (mode: "archive" | "delete", expectedVersion?: number) =>
          store.deleteResource(t, { kind: "model", name: "orders", expectedVersion, actor: bob, outbox: true, mode });
        await expect(store.putResource(t, { kind: "model", name: "orders", body: model("a"), project: null, expectedVersion: 3, actor: ada, outbox: true })).rejects.toMatchObject({
          code: "precondition_failed",
          message: "model orders does not exist (expected version 3)",
          details: { tenant: t, kind: "model", name: "orders", expectedVersion: 3, version: null },
        });
        await store.putResource(t, { kind: "model", name: "orders", body: model("a"), project: null, actor: ada, outbox: true });
        await expect(del("delete", 4)).rejects.toMatchObject({
          code: "precondition_failed",
          message: "model orders is at version 1, not 4",
          details: { tenant: t, kind: "model", name: "orders", expectedVersion: 4, version: 1 },
        });
        await del("archive", 1);
        // A put naming the archived version is an update, and brings the resource back.
        const restored = await store.putResource(t, { kind: "model", name: "orders", body: model("a"), project: null, expectedVersion: 2, actor: ada, outbox: true });
        expect(restored).toMatchObject({ archived: false, version: 3 });
        await del("archive");
        await del("delete", 4);
        expect(await store.getResource(t, "model", "orders")).toBeNull();
        expect((await store.pendingOutbox(t)).map((o) => `${o.operation}@${o.version}`)).toEqual(["upsert@1", "delete@2", "upsert@3", "delete@4", "delete@5"]);
      });

      it("rejects an empty kind and a blank tenant name", async () => {
        const t = await newTenant();
        await expect(store.putResource(t, { kind: "", name: "orders", body: {}, project: null, actor: ada, outbox: true })).rejects.toMatchObject({
          code: "bad_request",
          details: { field: "kind" },
        });
        await expect(store.createTenant({ slug: "blank-name", name: "  " })).rejects.toMatchObject({ code: "bad_request", details: { field: "name" } });
        expect(await store.getTenant("blank-name")).toBeNull();
        expect(await store.listResources(t, undefined, { includeArchived: true })).toEqual([]);
      });
    });

    describe("concurrency", () => {
      it("lets exactly one of two writers with the same expectedVersion win", async () => {
        const t = await newTenant();
        await store.putResource(t, { kind: "model", name: "orders", body: model("v1"), project: null, actor: ada, outbox: true });
        const results = await Promise.allSettled(
          ["a", "b"].map((sql) => store.putResource(t, { kind: "model", name: "orders", body: model(sql), project: null, expectedVersion: 1, actor: ada, outbox: true })),
        );
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]?.reason).toBeInstanceOf(PreconditionFailedError);
        expect((await store.getResource(t, "model", "orders"))?.version).toBe(2);
        expect((await store.pendingOutbox(t)).map((o) => o.version)).toEqual([1, 2]);
      });

      it("lets exactly one of two creators win when the resource must not exist", async () => {
        const t = await newTenant();
        const results = await Promise.allSettled(
          ["a", "b", "c"].map((sql) => store.putResource(t, { kind: "model", name: "orders", body: model(sql), project: null, expectedVersion: null, actor: ada, outbox: true })),
        );
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConflictError);
        expect(await store.pendingOutbox(t)).toHaveLength(1);
      });

      it("serialises unguarded writers into distinct versions", async () => {
        const t = await newTenant();
        const written = await Promise.all(
          ["a", "b", "c", "d"].map((sql) => store.putResource(t, { kind: "model", name: "orders", body: model(sql), project: null, actor: ada, outbox: true })),
        );
        expect(written.map((r) => r.version).sort()).toEqual([1, 2, 3, 4]);
        expect((await store.pendingOutbox(t)).map((o) => o.version)).toEqual([1, 2, 3, 4]);
      });

      it("lets one of two unguarded archivers archive; the other finds nothing left to archive", async () => {
        const t = await newTenant();
        await store.putResource(t, { kind: "model", name: "orders", body: model("a"), project: null, actor: ada, outbox: false });
        const results = await Promise.allSettled(
          [ada, bob].map((actor) => store.deleteResource(t, { kind: "model", name: "orders", actor, outbox: true, mode: "archive" })),
        );
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(NotFoundError);
        expect(await store.getResource(t, "model", "orders")).toMatchObject({ archived: true, version: 2 });
        expect((await store.pendingOutbox(t)).map((o) => `${o.operation}@${o.version}`)).toEqual(["delete@2"]);
      });
    });

    describe("transactions", () => {
      it("rolls back the resource and its outbox row together", async () => {
        const t = await newTenant();
        await expect(
          store.transaction(async (tx) => {
            await tx.putResource(t, { kind: "model", name: "orders", body: model("a"), project: null, actor: ada, outbox: true });
            expect(await tx.getResource(t, "model", "orders")).not.toBeNull();
            throw new Error("apply failed");
          }),
        ).rejects.toThrow("apply failed");
        expect(await store.getResource(t, "model", "orders")).toBeNull();
        expect(await store.pendingOutbox(t)).toEqual([]);
        expect(await store.outboxTenants()).not.toContain(t);
      });

      it("reuses the outer transaction for nested calls", async () => {
        const t = await newTenant();
        await expect(
          store.transaction(async (tx) => {
            await tx.transaction(async (inner) => {
              await inner.putResource(t, { kind: "model", name: "inner", body: {}, project: null, actor: ada, outbox: true });
            });
            await tx.putResource(t, { kind: "model", name: "outer", body: {}, project: null, actor: ada, outbox: true });
            throw new Error("later failure");
          }),
        ).rejects.toThrow("later failure");
        expect(await store.listResources(t)).toEqual([]);

        const names = await store.transaction(async (tx) => {
          await tx.transaction((inner) => inner.putResource(t, { kind: "model", name: "inner", body: {}, project: null, actor: ada, outbox: true }));
          await tx.putResource(t, { kind: "model", name: "outer", body: {}, project: null, actor: ada, outbox: true });
          return (await tx.listResources(t)).map((r) => r.name);
        });
        expect(names).toEqual(["inner", "outer"]);
        expect(await store.pendingOutbox(t)).toHaveLength(2);
      });
    });

    describe("connections and encryption", () => {
      const creds = { password: "hunter2-very-secret", apiKey: "AKIA-not-a-real-key" };

      it("stores credentials encrypted and never returns them with the connection", async () => {
        const t = await newTenant();
        const created = await store.putConnection(t, { name: "warehouse", type: "snowflake", host: "db.example.com", port: 443, username: "svc", credentials: creds });
        expect(created).toEqual({
          name: "warehouse",
          type: "snowflake",
          role: null,
          host: "db.example.com",
          port: 443,
          database: null,
          username: "svc",
          needsCredentials: false,
          version: 1,
          updatedAt: created.updatedAt,
        });
        expect(JSON.stringify(await store.listConnections(t))).not.toContain("hunter2");
        expect(await store.getConnectionCredentials(t, "warehouse")).toEqual(creds);

        const row = await raw.selectFrom("connections").select("credentials").where("tenant", "=", t).where("name", "=", "warehouse").executeTakeFirstOrThrow();
        expect(row.credentials).toMatch(/^gcm1\./);
        expect(row.credentials).not.toContain("hunter2");
        expect(row.credentials).not.toContain(Buffer.from("hunter2").toString("base64").slice(0, 8));

        // A second encryption of the same value uses a fresh IV.
        await store.putConnection(t, { name: "copy", type: "snowflake", credentials: creds });
        const copy = await raw.selectFrom("connections").select("credentials").where("tenant", "=", t).where("name", "=", "copy").executeTakeFirstOrThrow();
        expect(copy.credentials?.split(".")[2]).not.toBe(row.credentials?.split(".")[2]);
      });

      it("keeps, clears and versions credentials", async () => {
        const t = await newTenant();
        await store.putConnection(t, { name: "crm", type: "salesforce", credentials: creds });
        const kept = await store.putConnection(t, { name: "crm", type: "salesforce", username: "sync-user", expectedVersion: 1 });
        expect(kept).toMatchObject({ version: 2, username: "sync-user", needsCredentials: false });
        expect(await store.getConnectionCredentials(t, "crm")).toEqual(creds);
        await expect(store.putConnection(t, { name: "crm", type: "salesforce", expectedVersion: 1 })).rejects.toBeInstanceOf(PreconditionFailedError);
        const cleared = await store.putConnection(t, { name: "crm", type: "salesforce", credentials: null });
        expect(cleared.needsCredentials).toBe(true);
        expect(await store.getConnectionCredentials(t, "crm")).toBeNull();
        const imported = await store.putConnection(t, { name: "imported", type: "postgres" });
        expect(imported.needsCredentials).toBe(true);

        await store.deleteConnection(t, "crm");
        expect(await store.getConnection(t, "crm")).toBeNull();
        await expect(store.deleteConnection(t, "crm")).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.getConnectionCredentials(t, "crm")).rejects.toBeInstanceOf(NotFoundError);
        expect((await store.listConnections(t)).map((c) => c.name)).toEqual(["imported"]);
      });

      it("validates connection input and says a missing connection has no version", async () => {
        const t = await newTenant();
        await expect(store.putConnection("no-such-tenant", { name: "warehouse", type: "x" })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.putConnection(t, { name: "Bad Name", type: "x" })).rejects.toMatchObject({ code: "bad_request", details: { field: "name" } });
        await expect(store.putConnection(t, { name: "warehouse", type: "" })).rejects.toMatchObject({ code: "bad_request", details: { field: "type" } });
        await expect(store.putConnection(t, { name: "warehouse", type: "x", expectedVersion: 1 })).rejects.toMatchObject({
          code: "precondition_failed",
          message: "connection warehouse is at version (none), not 1",
          details: { tenant: t, name: "warehouse", expectedVersion: 1, version: null },
        });
        const created = await store.putConnection(t, { name: "warehouse", type: "x" });
        await expect(store.putConnection(t, { name: "warehouse", type: "x", expectedVersion: 2 })).rejects.toMatchObject({
          message: "connection warehouse is at version 1, not 2",
          details: { tenant: t, name: "warehouse", expectedVersion: 2, version: 1 },
        });
        expect(await store.listConnections(t)).toEqual([created]);
      });

      it("refuses a sealed value moved to another row", async () => {
        const t = await newTenant();
        await store.putConnection(t, { name: "a", type: "x", credentials: creds });
        await store.putConnection(t, { name: "b", type: "x", credentials: { password: "other" } });
        const a = await raw.selectFrom("connections").select("credentials").where("tenant", "=", t).where("name", "=", "a").executeTakeFirstOrThrow();
        await raw.updateTable("connections").set({ credentials: a.credentials }).where("tenant", "=", t).where("name", "=", "b").execute();
        await expect(store.getConnectionCredentials(t, "b")).rejects.toThrow(/integrity check/);
      });

      it("stores the git token encrypted, write-only", async () => {
        const t = await newTenant();
        const git = { ...DEFAULT_GIT_CONNECTION, provider: "github" as const, repository: "acme/config", outbound: "pull-request" as const, baseUrl: "https://ghe.example.com/api/v3" };
        const saved = await store.putGitConnection(t, git, "ghp_secretTokenValue123");
        expect(saved).toEqual(git);
        expect(JSON.stringify(saved)).not.toContain("ghp_");
        expect(await store.getGitToken(t)).toBe("ghp_secretTokenValue123");
        const row = await raw.selectFrom("git_connections").select("token").where("tenant", "=", t).executeTakeFirstOrThrow();
        expect(row.token).not.toContain("ghp_");
        await store.putGitConnection(t, { ...git, branch: "release" });
        expect(await store.getGitToken(t)).toBe("ghp_secretTokenValue123");
        expect((await store.getGitConnection(t)).branch).toBe("release");
        await store.putGitConnection(t, git, null);
        expect(await store.getGitToken(t)).toBeNull();
        await expect(store.putGitConnection(t, { ...git, provider: "svn" as never })).rejects.toMatchObject({ code: "bad_request", details: { field: "provider" } });
        await expect(store.putGitConnection("no-such-tenant", git)).rejects.toBeInstanceOf(NotFoundError);
      });

      it("drops the git token when provider, baseUrl or repository change without one", async () => {
        const t = await newTenant();
        const git = { ...DEFAULT_GIT_CONNECTION, provider: "gitlab" as const, repository: "group/project", baseUrl: "https://gitlab.example.com" };
        const moves = [{ baseUrl: "https://other.example.com" }, { baseUrl: null }, { repository: "group/other" }, { provider: "github" as const }];
        for (const move of moves) {
          await store.putGitConnection(t, git, "glpat-token");
          await store.putGitConnection(t, { ...git, branch: "develop", path: "cfg" });
          expect(await store.getGitToken(t)).toBe("glpat-token");
          await store.putGitConnection(t, { ...git, ...move });
          expect(await store.getGitToken(t), JSON.stringify(move)).toBeNull();
        }
        await store.putGitConnection(t, { ...git, baseUrl: null }, "glpat-token");
        await store.putGitConnection(t, { ...git, baseUrl: null, deletions: "keep" });
        expect(await store.getGitToken(t)).toBe("glpat-token");
        await store.putGitConnection(t, { ...git, baseUrl: "https://new.example.com" }, "glpat-new");
        expect(await store.getGitToken(t)).toBe("glpat-new");
      });

      it("writes the git connection over the row as read, and refuses once it changed", async () => {
        const t = await newTenant();
        const read = { ...(await store.getGitConnection(t)), hasToken: false };
        await store.putGitConnection(t, { ...read, branch: "develop" }, undefined, read);
        expect((await store.getGitConnection(t)).branch).toBe("develop");
        await expect(store.putGitConnection(t, { ...read, branch: "stale" }, undefined, read)).rejects.toBeInstanceOf(PreconditionFailedError);
        const now = { ...(await store.getGitConnection(t)), hasToken: false };
        await store.putGitConnection(t, now, "tok");
        await expect(store.putGitConnection(t, { ...now, path: "p" }, undefined, now)).rejects.toBeInstanceOf(PreconditionFailedError);
        await store.putGitConnection(t, { ...now, path: "p" }, undefined, { ...now, hasToken: true });
        expect(await store.getGitConnection(t)).toMatchObject({ branch: "develop", path: "p" });
        await expect(store.putGitConnection("no-such-tenant", now, undefined, now)).rejects.toBeInstanceOf(NotFoundError);
      });

      it("drops connection credentials when type, host or port change without new ones", async () => {
        const t = await newTenant();
        const conn = { name: "mover", type: "postgres", host: "db.example.com", port: 5432, database: "a" };
        for (const move of [{ type: "mysql" }, { host: "evil.example.net" }, { port: 1 }, { host: null }]) {
          await store.putConnection(t, { ...conn, credentials: creds });
          await store.putConnection(t, { ...conn, database: "b", username: "u" });
          expect(await store.getConnectionCredentials(t, "mover")).toEqual(creds);
          const moved = await store.putConnection(t, { ...conn, ...move });
          expect(moved.needsCredentials, JSON.stringify(move)).toBe(true);
          expect(await store.getConnectionCredentials(t, "mover")).toBeNull();
        }
        const before = await store.putConnection(t, { ...conn, credentials: creds });
        expect((await store.putConnection(t, conn)).version).toBe(before.version);
      });

      it("finds the tenants of a repository, case-insensitively, and no others", async () => {
        const [a, b, c] = [await newTenant(), await newTenant(), await newTenant()];
        const git = (repository: string, path: string) => ({ ...DEFAULT_GIT_CONNECTION, provider: "github" as const, repository, path });
        // A repository name no other test uses: the tenants of this suite share one database.
        const repo = `finder-${a}/config`;
        await store.putGitConnection(a, git(repo.toUpperCase(), "dev"));
        await store.putGitConnection(b, git(repo, "prod"));
        await store.putGitConnection(c, git(`finder-${a}/other`, ""));
        const found = await store.findGitConnections("github", repo);
        expect(found.map((f) => [f.tenant, f.connection.path])).toEqual([[a, "dev"], [b, "prod"]].sort((x, y) => String(x[0]).localeCompare(String(y[0]))));
        expect(await store.findGitConnections("gitlab", repo)).toEqual([]);
      });

      it("fails clearly, never with garbage, when opened with another key", async () => {
        const t = await newTenant();
        await store.putConnection(t, { name: "warehouse", type: "snowflake", credentials: creds });
        await store.putGitConnection(t, await store.getGitConnection(t), "token-value");
        const other = await openStore({ ...location, secretKey: randomBytes(32) });
        try {
          const err = await other.getConnectionCredentials(t, "warehouse").catch((e: unknown) => e);
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as Error).message).toMatch(/encrypted with key [0-9a-f]{12}.*GITSYNC_SECRET_KEY/);
          expect((err as Error).message).not.toContain(key.toString("hex"));
          await expect(other.getGitToken(t)).rejects.toBeInstanceOf(ConfigError);
          // Data without secrets is still readable with the wrong key.
          expect((await other.getConnection(t, "warehouse"))?.type).toBe("snowflake");
        } finally {
          await other.close();
        }
      });
    });

    describe("outbox", () => {
      it("lists pending rows oldest first, marks them done, and names tenants with work", async () => {
        const t1 = await newTenant();
        const t2 = await newTenant();
        for (const name of ["a", "b", "c"]) await store.putResource(t1, { kind: "model", name, body: {}, project: null, actor: ada, outbox: true });
        await store.putResource(t2, { kind: "model", name: "z", body: {}, project: null, actor: ada, outbox: true });
        await store.putResource(t2, { kind: "model", name: "inbound", body: {}, project: null, actor: ada, outbox: false });
        const pending = await store.pendingOutbox(t1);
        expect(pending.map((o) => o.name)).toEqual(["a", "b", "c"]);
        expect(pending.every((o) => o.tenant === t1 && o.createdAt.endsWith("Z"))).toBe(true);
        expect(await store.outboxTenants()).toEqual(expect.arrayContaining([t1, t2]));

        await store.markOutboxDone(pending.slice(0, 2).map((o) => o.id), "abc123");
        expect((await store.pendingOutbox(t1)).map((o) => o.name)).toEqual(["c"]);
        await store.markOutboxDone([], null);
        await store.markOutboxDone((await store.pendingOutbox(t2)).map((o) => o.id), null);
        expect(await store.outboxTenants()).not.toContain(t2);
        const done = await raw.selectFrom("outbox").select(["commit_sha", "done_at"]).where("id", "=", pending[0]!.id).executeTakeFirstOrThrow();
        expect(done.commit_sha).toBe("abc123");
        expect(done.done_at).not.toBeNull();
      });
    });

    describe("checked plans", () => {
      it("keeps the latest check's plan per pull request, per tenant, and forgets it on delete", async () => {
        const t = await newTenant();
        const other = await newTenant();
        await store.putCheckedPlan(t, { pullRequest: 1, headSha: "a1", fingerprint: "f1", items: ["create model/x #1"] });
        await store.putCheckedPlan(t, { pullRequest: 1, headSha: "a2", fingerprint: "f2", items: ["create model/x #2", "update sync/y (schedule)"] });
        await store.putCheckedPlan(t, { pullRequest: 2, headSha: "b1", fingerprint: "g1", items: [] });
        await store.putCheckedPlan(other, { pullRequest: 1, headSha: "c1", fingerprint: "h1", items: [] });
        const plans = await store.listCheckedPlans(t);
        expect(plans.map(({ updatedAt: _, ...p }) => p)).toEqual([
          { pullRequest: 1, headSha: "a2", fingerprint: "f2", items: ["create model/x #2", "update sync/y (schedule)"] },
          { pullRequest: 2, headSha: "b1", fingerprint: "g1", items: [] },
        ]);
        await store.transaction(async (tx) => tx.deleteCheckedPlan(t, 1));
        expect((await store.listCheckedPlans(t)).map((p) => p.pullRequest)).toEqual([2]);
        expect((await store.listCheckedPlans(other)).map((p) => p.headSha)).toEqual(["c1"]);
      });

      it("keeps gitsync's comment id per pull request and tenant, marked unknown while one is made", async () => {
        const t = await newTenant();
        const other = await newTenant();
        expect(await store.getPullRequestComment(t, 1)).toBeNull();
        await store.putPullRequestComment(t, 1, null);
        expect(await store.getPullRequestComment(t, 1)).toEqual({ commentId: null });
        await store.putPullRequestComment(t, 1, "4711");
        await store.putPullRequestComment(other, 1, "12");
        expect(await store.getPullRequestComment(t, 1)).toEqual({ commentId: "4711" });
        await store.transaction(async (tx) => tx.deletePullRequestComment(t, 1));
        expect(await store.getPullRequestComment(t, 1)).toBeNull();
        expect(await store.getPullRequestComment(other, 1)).toEqual({ commentId: "12" });
      });

      it("keeps a sync log entry's note apart from its error", async () => {
        const t = await newTenant();
        const entry = await store.appendSyncLog(t, { direction: "INBOUND", status: "done", note: "branch main was reset" });
        expect(entry).toMatchObject({ note: "branch main was reset", error: null });
        expect((await store.updateSyncLog(entry.id, { error: "x" })).note).toBe("branch main was reset");
        expect((await store.appendSyncLog(t, { direction: "INBOUND", status: "done" })).note).toBeNull();
      });
    });

    describe("sync log and state", () => {
      it("appends, updates and pages newest first with filters", async () => {
        const t = await newTenant();
        const other = await newTenant();
        const ids: number[] = [];
        for (let i = 0; i < 7; i++) {
          const entry = await store.appendSyncLog(t, {
            direction: i % 2 === 0 ? "INBOUND" : "OUTBOUND",
            status: i === 3 ? "failed" : "done",
            commitSha: `sha${i}`,
            files: [`models/m${i}.yaml`],
            resources: [`model/m${i}`],
          });
          ids.push(entry.id);
        }
        await store.appendSyncLog(other, { direction: "IMPORT", status: "done" });

        const page1 = await store.listSyncLog(t, { limit: 3 });
        expect(page1.map((e) => e.commitSha)).toEqual(["sha6", "sha5", "sha4"]);
        const page2 = await store.listSyncLog(t, { limit: 3, before: page1[2]!.id });
        expect(page2.map((e) => e.commitSha)).toEqual(["sha3", "sha2", "sha1"]);
        const page3 = await store.listSyncLog(t, { limit: 3, before: page2[2]!.id });
        expect(page3.map((e) => e.commitSha)).toEqual(["sha0"]);
        expect((await store.listSyncLog(t, { limit: 10, direction: "OUTBOUND" })).map((e) => e.commitSha)).toEqual(["sha5", "sha3", "sha1"]);
        expect((await store.listSyncLog(t, { limit: 10, status: "failed" })).map((e) => e.commitSha)).toEqual(["sha3"]);
        await expect(store.listSyncLog(t, { limit: 0 })).rejects.toMatchObject({ code: "bad_request", details: { field: "limit" } });

        const first = page3[0]!;
        expect(first).toMatchObject({ tenant: t, direction: "INBOUND", files: ["models/m0.yaml"], resources: ["model/m0"], branch: null, prUrl: null, error: null });
        const updated = await store.updateSyncLog(first.id, { status: "conflict", prUrl: "https://example.com/pr/1", error: "both sides changed" });
        expect(updated).toMatchObject({ id: first.id, status: "conflict", prUrl: "https://example.com/pr/1", error: "both sides changed", files: ["models/m0.yaml"] });
        expect(await store.getSyncLog(t, first.id)).toEqual(updated);
        expect(await store.getSyncLog(other, first.id)).toBeNull();
        await expect(store.updateSyncLog(999_999, { status: "done" })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.appendSyncLog("no-such-tenant", { direction: "INBOUND", status: "done" })).rejects.toBeInstanceOf(NotFoundError);
      });

      it("updates only the sync log fields given, lists and nulls included, and bounds the page size", async () => {
        const t = await newTenant();
        const entry = await store.appendSyncLog(t, { direction: "SNAPSHOT", status: "queued", branch: "t/2024.01.01.1", author: "Ada", commitSha: "c1" });
        expect(entry).toMatchObject({ files: [], resources: [], prUrl: null, error: null, branch: "t/2024.01.01.1" });
        const updated = await store.updateSyncLog(entry.id, { direction: "OUTBOUND", files: ["models/a.yaml"], resources: [], commitSha: null, author: "Bob" });
        expect(updated).toEqual({
          ...entry,
          direction: "OUTBOUND",
          files: ["models/a.yaml"],
          resources: [],
          commitSha: null,
          author: "Bob",
          updatedAt: updated.updatedAt,
        });
        for (const limit of [1001, 2.5]) {
          await expect(store.listSyncLog(t, { limit })).rejects.toMatchObject({ code: "bad_request", details: { field: "limit" } });
        }
        expect(await store.listSyncLog(t, { limit: 1000 })).toEqual([updated]);
      });

      it("updates sync state fields independently", async () => {
        const t = await newTenant();
        await store.putSyncState(t, { lastAppliedSha: "aaa" });
        const state = await store.putSyncState(t, { lastCommittedSha: "bbb" });
        expect(state).toMatchObject({ lastAppliedSha: "aaa", lastCommittedSha: "bbb" });
        expect(await store.getSyncState(t)).toEqual(state);
        expect((await store.putSyncState(t, { lastAppliedSha: null })).lastAppliedSha).toBeNull();
        await expect(store.putSyncState("no-such-tenant", { lastAppliedSha: "x" })).rejects.toBeInstanceOf(NotFoundError);
      });

      it("records each webhook delivery once per provider", async () => {
        const id = `delivery-${backend.name}-${Date.now()}`;
        expect(await store.recordDelivery("github", id)).toBe(true);
        expect(await store.recordDelivery("github", id)).toBe(false);
        expect(await store.recordDelivery("gitlab", id)).toBe(true);
      });
    });

    describe("users and tokens", () => {
      it("stores only the token's hash and finds it by the secret", async () => {
        const user = await store.createUser({ name: "Admin", email: `admin-${backend.name}@example.com`, role: "admin" });
        await expect(store.createUser({ name: "Again", email: user.email, role: "viewer" })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.createUser({ name: "X", email: "x@example.com", role: "root" as never })).rejects.toMatchObject({ code: "bad_request" });
        expect((await store.listUsers()).map((u) => u.email)).toContain(user.email);

        const secret = `gs_${randomBytes(24).toString("base64url")}`;
        const token = await store.createToken({ userId: user.id, label: "ci", role: "editor", secret });
        expect(token).toMatchObject({ userId: user.id, label: "ci", role: "editor", revoked: false, lastUsedAt: null });
        expect(JSON.stringify(token)).not.toContain(secret);
        const row = await raw.selectFrom("api_tokens").selectAll().where("id", "=", token.id).executeTakeFirstOrThrow();
        expect(row.token_hash).toBe(createHash("sha256").update(secret).digest("hex"));
        expect(JSON.stringify(row)).not.toContain(secret);

        const found = await store.findToken(secret);
        expect(found?.token.id).toBe(token.id);
        expect(found?.token.lastUsedAt).not.toBeNull();
        expect(found?.user).toEqual(user);
        expect(await store.findToken(`${secret}x`)).toBeNull();
        await expect(store.createToken({ userId: user.id, label: "dup", role: "viewer", secret })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.createToken({ userId: 999_999, label: "x", role: "viewer", secret: "another-secret-value" })).rejects.toBeInstanceOf(NotFoundError);

        await store.revokeToken(token.id);
        expect(await store.findToken(secret)).toBeNull();
        expect((await store.listTokens()).find((t) => t.id === token.id)?.revoked).toBe(true);
        await expect(store.revokeToken(999_999)).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe("token input", () => {
      it("refuses an empty secret, an unknown role, and never stores either", async () => {
        const user = await store.createUser({ name: "Tokens", email: `tokens-${backend.name}@example.com`, role: "editor" });
        const before = (await store.listTokens()).length;
        await expect(store.createToken({ userId: user.id, label: "x", role: "viewer", secret: "" })).rejects.toMatchObject({
          code: "bad_request",
          details: { field: "secret" },
        });
        await expect(store.createToken({ userId: user.id, label: "x", role: "owner" as never, secret: "some-secret-value" })).rejects.toMatchObject({
          code: "bad_request",
          details: { field: "role" },
        });
        expect(await store.listTokens()).toHaveLength(before);
      });
    });

    describe("local review", () => {
      it("numbers pull requests per repository from 1 and updates them", async () => {
        const repo = `repo-${backend.name}-a`;
        const pr = (n: number) => ({ repository: repo, title: `PR ${n}`, body: "", head: `feature-${n}`, base: "main", headSha: `sha${n}` });
        const created = await Promise.all([1, 2, 3].map((n) => store.createLocalPull(pr(n))));
        expect(created.map((p) => p.number).sort()).toEqual([1, 2, 3]);
        expect((await store.createLocalPull({ ...pr(9), repository: `repo-${backend.name}-b` })).number).toBe(1);

        // Concurrent creation decides which PR gets which number; the head stays with its PR.
        const second = created.find((p) => p.number === 2);
        const merged = await store.updateLocalPull(repo, 2, { state: "merged", mergeCommitSha: "m2", title: "Renamed" });
        expect(merged).toMatchObject({ number: 2, state: "merged", mergeCommitSha: "m2", title: "Renamed", head: second?.head, headSha: second?.headSha });
        expect(await store.getLocalPull(repo, 2)).toEqual(merged);
        expect(await store.getLocalPull(repo, 42)).toBeNull();
        expect((await store.listLocalPulls(repo)).map((p) => p.number)).toEqual([1, 2, 3]);
        expect((await store.listLocalPulls(repo, "open")).map((p) => p.number)).toEqual([1, 3]);
        await expect(store.updateLocalPull(repo, 42, { state: "closed" })).rejects.toBeInstanceOf(NotFoundError);
      });

      it("changes only the pull request fields given", async () => {
        const repo = `repo-${backend.name}-patch`;
        const created = await store.createLocalPull({ repository: repo, title: "T", body: "B", head: "feature", base: "main", headSha: "s1" });
        const moved = await store.updateLocalPull(repo, created.number, { headSha: "s2", body: "B2" });
        expect(moved).toEqual({ ...created, headSha: "s2", body: "B2", updatedAt: moved.updatedAt });
        const closed = await store.updateLocalPull(repo, created.number, { state: "closed", mergeCommitSha: null });
        expect(closed).toEqual({ ...moved, state: "closed", updatedAt: closed.updatedAt });
        expect(await store.listLocalPulls(repo, "open")).toEqual([]);
      });

      it("replaces a check with the same sha and name, and keeps one comment per pull request", async () => {
        const repo = `repo-${backend.name}-checks`;
        const annotation = { path: "models/orders.yaml", line: 3, column: 5, code: "schema", severity: "error" as const, message: "bad type" };
        const first = await store.putLocalCheck({ repository: repo, sha: "s1", name: "gitsync", status: "in_progress", conclusion: null, title: "Validating", summary: "", annotations: [], pullRequest: 1 });
        const rerun = await store.putLocalCheck({ repository: repo, sha: "s1", name: "gitsync", status: "completed", conclusion: "failure", title: "1 error", summary: "plan", annotations: [annotation], pullRequest: 1 });
        expect(rerun).toMatchObject({ id: first.id, status: "completed", conclusion: "failure", annotations: [annotation], createdAt: first.createdAt });
        await store.putLocalCheck({ repository: repo, sha: "s1", name: "other", status: "completed", conclusion: "success", title: "ok", summary: "", annotations: [], pullRequest: null });
        await store.putLocalCheck({ repository: repo, sha: "s2", name: "gitsync", status: "queued", conclusion: null, title: "", summary: "", annotations: [], pullRequest: 1 });
        expect((await store.listLocalChecks(repo, "s1")).map((c) => [c.name, c.status])).toEqual([
          ["gitsync", "completed"],
          ["other", "completed"],
        ]);

        expect(await store.getLocalComment(repo, 1)).toBeNull();
        await store.upsertLocalComment(repo, 1, "first");
        const second = await store.upsertLocalComment(repo, 1, "second");
        expect(second).toMatchObject({ repository: repo, pullRequest: 1, body: "second" });
        expect(await store.getLocalComment(repo, 1)).toEqual(second);
        expect(await raw.selectFrom("local_comments").selectAll().where("repository", "=", repo).execute()).toHaveLength(1);
      });
    });

    it("rejects close inside a transaction", async () => {
      await expect(store.transaction((tx) => tx.close())).rejects.toBeInstanceOf(GitsyncError);
    });
  });
});
