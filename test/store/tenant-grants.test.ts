import { randomBytes } from "node:crypto";
import { Migrator, type Migration } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiToken, User } from "../../src/core/index.js";
import { roleIn, isServerAdmin } from "../../src/server/auth.js";
import { connect } from "../../src/store/database.js";
import { hashToken, openStore } from "../../src/store/index.js";
import { initialMigration } from "../../src/store/migrations/0001-initial.js";
import { postgresBackend, sqliteBackend, type Backend } from "./backends.js";

const backends: Backend[] = [sqliteBackend(), postgresBackend(process.env.GITSYNC_TEST_DATABASE_URL)];
for (const b of backends) if (b.skipReason) console.warn(`tenant grants suite: ${b.name} skipped: ${b.skipReason}`);

describe.each(backends)("tenant grants on $name", (backend) => {
  describe.skipIf(backend.skipReason !== null)(backend.name, () => {
    let location: { databaseUrl: string | null; dataDir: string };
    const key = randomBytes(32);

    beforeAll(async () => {
      location = await backend.setup();
      // A database as the release before grants left it: the first migration, one user, one editor token.
      const { db, dialect } = connect(location);
      const first: Record<string, Migration> = { "0001-initial": initialMigration(dialect) };
      const result = await new Migrator({ db, provider: { getMigrations: async () => first } }).migrateToLatest();
      expect(result.error).toBeUndefined();
      const at = new Date().toISOString();
      await db.insertInto("tenants").values([{ slug: "dev", name: "Dev", created_at: at }, { slug: "prod", name: "Prod", created_at: at }]).execute();
      const user = await db.insertInto("users").values({ name: "Old", email: "old@example.com", role: "editor", created_at: at }).returning("id").executeTakeFirstOrThrow();
      await db
        .insertInto("api_tokens")
        .values({ user_id: user.id, label: "old", role: "editor", token_hash: hashToken("old-secret-value"), created_at: at, last_used_at: null, revoked: 0 })
        .execute();
      await db.destroy();
    });
    afterAll(async () => {
      await backend.teardown();
    });

    it("a token from before grants becomes server-wide with its role: the same reach as before", async () => {
      const store = await openStore({ ...location, secretKey: key });
      try {
        const found = await store.findToken("old-secret-value");
        expect(found?.token).toMatchObject({ role: "editor", serverWide: true, tenants: {} });
        for (const tenant of ["dev", "prod", "created-later"]) expect(roleIn(found!.token, found!.user, tenant)).toBe("editor");
      } finally {
        await store.close();
      }
    });

    it("stores grants per tenant, refuses unknown tenants and roles without creating anything", async () => {
      const store = await openStore({ ...location, secretKey: key });
      try {
        const user = await store.createUser({ name: "Scoped", email: `scoped@example.com`, role: "admin" });
        const token = await store.createToken({ userId: user.id, label: "dev", role: "editor", secret: "scoped-secret-value", tenants: { dev: "editor", prod: "viewer" } });
        expect(token).toMatchObject({ serverWide: false, tenants: { dev: "editor", prod: "viewer" } });
        const found = await store.findToken("scoped-secret-value");
        expect(found?.token.tenants).toEqual({ dev: "editor", prod: "viewer" });
        expect((await store.listTokens()).find((t) => t.id === token.id)?.tenants).toEqual({ dev: "editor", prod: "viewer" });
        await expect(store.createToken({ userId: user.id, label: "x", role: "viewer", secret: "another-secret-1", tenants: { nope: "viewer" } })).rejects.toMatchObject({
          code: "bad_request",
          details: { field: "tenants.nope" },
        });
        await expect(store.createToken({ userId: user.id, label: "x", role: "viewer", secret: "another-secret-2", tenants: { dev: "owner" as never } })).rejects.toMatchObject({
          code: "bad_request",
        });
        // Nothing half-made: the refused tokens do not exist.
        expect(await store.findToken("another-secret-1")).toBeNull();
      } finally {
        await store.close();
      }
    });
  });
});

describe("the role a token acts with", () => {
  const user = (role: User["role"]): User => ({ id: 1, name: "U", email: "u@example.com", role });
  const token = (over: Partial<ApiToken>): ApiToken =>
    ({ id: 1, userId: 1, label: "t", role: "viewer", serverWide: false, tenants: {}, createdAt: "", lastUsedAt: null, revoked: false, ...over });

  it("is the grant in a tenant, nothing elsewhere, never above the user, and a grant only raises a server-wide role", () => {
    const scoped = token({ role: "admin", tenants: { dev: "admin", prod: "viewer" } });
    expect(roleIn(scoped, user("admin"), "dev")).toBe("admin");
    expect(roleIn(scoped, user("editor"), "dev")).toBe("editor");
    expect(roleIn(scoped, user("admin"), "prod")).toBe("viewer");
    expect(roleIn(scoped, user("admin"), "other")).toBeNull();
    expect(isServerAdmin(scoped, user("admin"))).toBe(false);
    const wide = token({ role: "viewer", serverWide: true, tenants: { dev: "editor" } });
    expect(roleIn(wide, user("admin"), "dev")).toBe("editor");
    expect(roleIn(wide, user("admin"), "prod")).toBe("viewer");
    expect(isServerAdmin(token({ role: "admin", serverWide: true }), user("editor"))).toBe(false);
    expect(isServerAdmin(token({ role: "admin", serverWide: true }), user("admin"))).toBe(true);
  });
});
