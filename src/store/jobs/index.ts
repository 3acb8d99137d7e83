import type { JobQueue } from "../../core/jobs.js";
import type { Store } from "../../core/store.js";
import { GitsyncError } from "../../core/errors.js";
import { KyselyStore } from "../kysely-store.js";
import { PgBossJobQueue } from "./pgboss-queue.js";
import { SqliteJobQueue } from "./sqlite-queue.js";

export { SqliteJobQueue } from "./sqlite-queue.js";
export { PgBossJobQueue } from "./pgboss-queue.js";

export interface JobQueueOptions {
  /** The server's PostgreSQL URL (pg-boss connects to it too); null on SQLite. */
  databaseUrl: string | null;
  concurrency: number;
  leaseSeconds: number;
  onError?: (error: unknown) => void;
}

/** The job queue beside an opened store: pg-boss on PostgreSQL, the `jobs` table on SQLite. */
export function openJobQueue(store: Store, options: JobQueueOptions): JobQueue {
  if (!(store instanceof KyselyStore)) throw new GitsyncError("internal", "the job queue needs the server's own store");
  const onError = options.onError ? { onError: options.onError } : {};
  if (store.dialect === "postgres") {
    if (options.databaseUrl === null) throw new GitsyncError("internal", "the PostgreSQL job queue needs the database URL");
    return new PgBossJobQueue(store.handle(), { databaseUrl: options.databaseUrl, concurrency: options.concurrency, leaseSeconds: options.leaseSeconds, ...onError });
  }
  return new SqliteJobQueue(store.handle(), { concurrency: options.concurrency, ...onError });
}
