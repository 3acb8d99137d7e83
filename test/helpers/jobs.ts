import type { JobQueue, Store } from "../../src/core/index.js";
import { SqliteJobQueue } from "../../src/store/jobs/index.js";
import { handleOf } from "../../src/store/jobs/sqlite-queue.js";

/** The embedded job queue on a test's SQLite store. */
export function testJobQueue(store: Store): JobQueue {
  const db = handleOf(store);
  if (db === null) throw new Error("test job queues need a KyselyStore (or a proxy of one)");
  return new SqliteJobQueue(db, { concurrency: 4 });
}
