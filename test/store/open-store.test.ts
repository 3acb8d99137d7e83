import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { isPostgresUrl, openStore } from "../../src/store/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("openStore", () => {
  it("selects PostgreSQL only for postgres:// and postgresql:// URLs", () => {
    expect(isPostgresUrl("postgres://u@127.0.0.1/db")).toBe(true);
    expect(isPostgresUrl("postgresql://u@127.0.0.1/db")).toBe(true);
    expect(isPostgresUrl("sqlite:./data/x.db")).toBe(false);
    expect(isPostgresUrl("mysql://u@127.0.0.1/db")).toBe(false);
    expect(isPostgresUrl(null)).toBe(false);
    expect(isPostgresUrl(undefined)).toBe(false);
  });

  it("creates the data folder and a WAL-mode SQLite database, migrated and logged", async () => {
    const root = mkdtempSync(join(tmpdir(), "gitsync-open-"));
    dirs.push(root);
    const dataDir = join(root, "a", "data");
    const logs: string[] = [];
    const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };
    const store = await openStore({ databaseUrl: null, dataDir, secretKey: randomBytes(32), logger });
    await store.createTenant({ slug: "demo", name: "Demo" });
    await store.close();

    const file = join(dataDir, "gitsync.db");
    expect(existsSync(file)).toBe(true);
    const db = new SqliteDatabase(file, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.prepare("select slug from tenants").all()).toEqual([{ slug: "demo" }]);
    } finally {
      db.close();
    }
    expect(logs).toContain("store: applied migration 0001-initial");

    // A second start applies nothing new and keeps the data.
    const logs2: string[] = [];
    const reopened = await openStore({ dataDir, secretKey: randomBytes(32), logger: { info: (m) => logs2.push(m), warn: (m) => logs2.push(m) } });
    expect((await reopened.listTenants()).map((t) => t.slug)).toEqual(["demo"]);
    await reopened.close();
    expect(logs2.some((m) => m.includes("applied migration"))).toBe(false);
  });
});
