import { sql } from "kysely";
import type { ReferenceExtractor, Store } from "../core/store.js";
import { connect, migrate, type Connected, type StoreLogger } from "./database.js";
import { KyselyStore } from "./kysely-store.js";
import { resealAll } from "./queries/reseal.js";
import type { StoreContext } from "./queries/context.js";
import { SecretBox } from "./secret-box.js";

export { loadSecretKey, parsePreviousSecretKeys, parseSecretKey, SECRET_KEY_FILE } from "./secret-key.js";
export { isPostgresUrl, SQLITE_FILE, type StoreLogger } from "./database.js";
export { KyselyStore } from "./kysely-store.js";
export { hashToken } from "./queries/tokens.js";
export { SecretBox, keyId } from "./secret-box.js";

export interface OpenStoreOptions {
  /** A `postgres://` or `postgresql://` URL selects PostgreSQL; anything else the SQLite default. */
  databaseUrl?: string | null;
  /** Holds `gitsync.db` when SQLite is used; created if missing. */
  dataDir: string;
  /** 32 bytes that encrypt secrets at rest (see loadSecretKey). */
  secretKey: Buffer;
  /** Keys being rotated away from: they open what they sealed, which is sealed again with `secretKey` at start. */
  previousSecretKeys?: readonly Buffer[];
  /** Each kind's secret fields (the catalog's `secrets`): sealed at rest in resource bodies. */
  secretFields?: ReadonlyMap<string, readonly (readonly string[])[]>;
  logger?: StoreLogger;
  /** Finds a resource body's references, so the store can keep its reference index. */
  references?: ReferenceExtractor;
}

/** Opens the configured database, brings its schema and its secrets up to date and returns the Store. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const secrets = new SecretBox(options.secretKey, options.previousSecretKeys ?? []);
  const fields = options.secretFields ?? new Map<string, readonly (readonly string[])[]>();
  const connected = connect(options);
  const { db, dialect } = connected;
  const cx: StoreContext = { db, secrets, secretFields: (kind) => fields.get(kind) ?? [] };
  try {
    await migrate(db, dialect, options.logger);
    await resealAtStart(cx, connected, [...fields].filter(([, paths]) => paths.length > 0).map(([kind]) => kind), options.logger);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  options.logger?.info(`store: ${dialect === "postgres" ? "PostgreSQL" : "SQLite"} ready`);
  return new KyselyStore(db, dialect, secrets, cx.secretFields, options.references);
}

async function resealAtStart(cx: StoreContext, connected: Connected, kinds: string[], logger?: StoreLogger): Promise<void> {
  const report = await resealAll(cx, kinds);
  if (report.unreadable > 0) {
    logger?.warn(
      `store: ${report.unreadable} stored secret(s) could not be opened: sealed with a key that is not configured ` +
        "(set GITSYNC_SECRET_KEY_PREVIOUS to it, to seal them again with the current one) or altered",
    );
  }
  if (report.resealed === 0) return;
  logger?.info(`store: sealed ${report.resealed} stored secret(s) with the current key`);
  // The rows' old images (plaintext, or sealed under a retired key) must not linger in free
  // pages or the write-ahead log: SQLite zeroes freed content (secure_delete) and the WAL is
  // folded in and truncated; PostgreSQL rewrites the tables without their dead rows.
  if (connected.dialect === "sqlite") await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(cx.db);
  else for (const table of ["resources", "connections", "git_connections"]) await sql`VACUUM FULL ${sql.table(table)}`.execute(cx.db);
}
