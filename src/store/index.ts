import type { ReferenceExtractor, Store } from "../core/store.js";
import { connect, migrate, type StoreLogger } from "./database.js";
import { KyselyStore } from "./kysely-store.js";
import { SecretBox } from "./secret-box.js";

export { loadSecretKey, parseSecretKey, SECRET_KEY_FILE } from "./secret-key.js";
export { isPostgresUrl, SQLITE_FILE, type StoreLogger } from "./database.js";
export { KyselyStore } from "./kysely-store.js";
export { hashToken } from "./queries/tokens.js";
export { SecretBox, keyId } from "./secret-box.js";

export interface OpenStoreOptions {
  /** A `postgres://` or `postgresql://` URL selects PostgreSQL; anything else the SQLite default. */
  databaseUrl?: string | null;
  /** Holds `gitsync.db` when SQLite is used; created if missing. */
  dataDir: string;
  /** 32 bytes that encrypt credentials at rest (see loadSecretKey). */
  secretKey: Buffer;
  logger?: StoreLogger;
  /** Finds a resource body's references, so the store can keep its reference index. */
  references?: ReferenceExtractor;
}

/** Opens the configured database, brings its schema up to date and returns the Store. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const secrets = new SecretBox(options.secretKey);
  const { db, dialect } = connect(options);
  try {
    await migrate(db, dialect, options.logger);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  options.logger?.info(`store: ${dialect === "postgres" ? "PostgreSQL" : "SQLite"} ready`);
  return new KyselyStore(db, dialect, secrets, options.references);
}
