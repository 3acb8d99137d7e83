import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.js";
import * as rows from "./pgboss-rows.js";

type Db = Kysely<Database>;

/**
 * Runs `fn` on a connection holding the lane's session advisory lock, or returns `busy()` when
 * another session holds it. The lock goes with the connection if the process dies, which is
 * what tells a dead instance's job from a running one.
 */
export async function withLaneLock<T>(db: Db, lane: string, fn: (session: Db) => Promise<T>, busy: () => Promise<T>): Promise<T> {
  return db.connection().execute(async (session) => {
    const key = `gitsync-lane:${lane}`;
    const { rows: locked } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`.execute(session);
    if (!locked[0]?.ok) return busy();
    try {
      return await fn(session);
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(session);
    }
  });
}

/**
 * A fetched job has its lane locked within moments; one active this long with its lane free
 * lost its instance. Too soon costs nothing but a fetch: the owner finds its claim gone.
 */
const GRACE_MS = 3_000;

/**
 * Queues again, at once, every job whose instance died: one active for a while whose lane lock
 * nobody holds (a job runs only while its instance holds that lock). Holding the lock while
 * releasing the job means no instance starts it meanwhile; the claim check leaves alone a fetch
 * newer than the one seen. Returns how many were taken over.
 */
export async function takeOverOrphans(db: Db): Promise<number> {
  let taken = 0;
  for (const orphan of await rows.orphans(db, GRACE_MS)) {
    const released = await withLaneLock(db, orphan.lane, (session) => rows.release(session, orphan), async () => false);
    if (released) taken += 1;
  }
  return taken;
}
