import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { GitsyncError } from "../core/errors.js";
import { StoreMigrations } from "./migrations/index.js";
import type { Database, DialectName } from "./schema.js";

/** The logging the store needs; Probot's pino logger fits. */
export interface StoreLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface ConnectOptions {
  databaseUrl?: string | null;
  dataDir: string;
  logger?: StoreLogger;
}

export interface Connected {
  db: Kysely<Database>;
  dialect: DialectName;
}

export const SQLITE_FILE = "gitsync.db";

export function isPostgresUrl(url: string | null | undefined): url is string {
  return typeof url === "string" && /^postgres(ql)?:\/\//i.test(url);
}

/** Opens the database a configuration names, without migrating it. */
export function connect(options: ConnectOptions): Connected {
  if (isPostgresUrl(options.databaseUrl)) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl });
    // An idle pooled connection that the server ends (a restart, an administrator) is reported
    // on the pool; unhandled, it would bring the whole process down. The pool replaces it.
    pool.on("error", (error) => options.logger?.warn(`store: an idle database connection was closed: ${error.message}`));
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: "postgres" };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const file = new SqliteDatabase(join(options.dataDir, SQLITE_FILE));
  // WAL lets readers run beside the one writer; foreign keys are off by default in SQLite;
  // the busy timeout covers another process (a CLI) holding the write lock for a moment;
  // secure_delete overwrites freed content, so a replaced secret leaves no copy in the file.
  file.pragma("journal_mode = WAL");
  file.pragma("secure_delete = ON");
  file.pragma("foreign_keys = ON");
  file.pragma("busy_timeout = 5000");
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) }), dialect: "sqlite" };
}

/** Brings the schema up to date. Kysely's Migrator locks, so two servers starting at once are safe. */
export async function migrate(db: Kysely<Database>, dialect: DialectName, logger?: StoreLogger): Promise<void> {
  const migrator = new Migrator({ db, provider: new StoreMigrations(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === "Success") logger?.info(`store: applied migration ${result.migrationName}`);
    if (result.status === "Error") logger?.warn(`store: migration ${result.migrationName} failed`);
  }
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GitsyncError("internal", `database migration failed: ${reason}`);
  }
}
