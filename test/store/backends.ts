import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Where a suite run keeps its database: SQLite in a temp folder, PostgreSQL in a database the
 * run creates on the server named by GITSYNC_TEST_DATABASE_URL and drops afterwards, so runs
 * never see each other's rows.
 */
export interface Backend {
  name: "sqlite" | "postgres";
  /** Why this backend is skipped, or null when it runs. */
  skipReason: string | null;
  setup(): Promise<{ databaseUrl: string | null; dataDir: string }>;
  teardown(): Promise<void>;
}

export function sqliteBackend(): Backend {
  let dataDir: string | null = null;
  return {
    name: "sqlite",
    skipReason: null,
    async setup() {
      dataDir = mkdtempSync(join(tmpdir(), "gitsync-store-"));
      return { databaseUrl: null, dataDir };
    },
    async teardown() {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(adminUrl: string | undefined): Backend {
  let database: string | null = null;
  let dataDir: string | null = null;
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: "postgres",
    skipReason: adminUrl ? null : "GITSYNC_TEST_DATABASE_URL is not set (.ci/run starts a PostgreSQL and sets it)",
    async setup() {
      database = `gitsync_test_${process.pid}_${randomBytes(4).toString("hex")}`;
      const name = database;
      // A database name cannot be a bind parameter; it is generated above from [a-z0-9_] only.
      await admin((client) => client.query(`CREATE DATABASE ${name}`));
      dataDir = mkdtempSync(join(tmpdir(), "gitsync-store-pg-"));
      const url = new URL(adminUrl as string);
      url.pathname = `/${name}`;
      return { databaseUrl: url.toString(), dataDir };
    },
    async teardown() {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (database) {
        const name = database;
        await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      }
    },
  };
}
