import { sql, type Kysely, type Selectable } from "kysely";
import type { Job, JobKind, JobRequest, JobState } from "../../core/jobs.js";
import type { Database, JobsTable } from "../schema.js";

/** The `jobs` table's queries (SQLite), each on the handle it is given: the database or a transaction. */

type Db = Kysely<Database>;

const iso = (ms: number): string => new Date(ms).toISOString();

export function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: String(row.id),
    kind: row.kind as JobKind,
    tenant: row.tenant,
    lane: row.lane,
    state: row.state as JobState,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    attempts: row.attempts,
    error: row.error,
    createdAt: row.created_at,
    runAt: row.run_at,
    finishedAt: row.finished_at,
  };
}

export async function insertJob(db: Db, request: JobRequest, nowMs: number): Promise<string> {
  if (request.coalesce !== undefined) {
    // Only a job that has not started yet takes the new work in: a running one may have read
    // its input already.
    const waiting = await db
      .selectFrom("jobs")
      .select("id")
      .where("coalesce_key", "=", request.coalesce)
      .where("state", "=", "queued")
      .where("attempts", "=", 0)
      .executeTakeFirst();
    if (waiting) return String(waiting.id);
  }
  const row = await db
    .insertInto("jobs")
    .values({
      kind: request.kind,
      tenant: request.tenant,
      lane: request.lane,
      state: "queued",
      payload: JSON.stringify(request.payload),
      coalesce_key: request.coalesce ?? null,
      attempts: 0,
      error: null,
      run_at: iso(nowMs + (request.delayMs ?? 0)),
      created_at: iso(nowMs),
      finished_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return String(row.id);
}

/**
 * Takes the next job that may run now and marks it running. A job waits while its lane has
 * one running, or an older one that is due or waiting for its retry: a lane keeps its order
 * through failures. An older job only delayed (a debounce) does not hold the lane.
 */
export async function claimNext(db: Db, nowMs: number): Promise<Job | null> {
  const now = iso(nowMs);
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom("jobs as j")
      .selectAll("j")
      .where("j.state", "=", "queued")
      .where("j.run_at", "<=", now)
      // eslint-disable-next-line @typescript-eslint/unbound-method -- Kysely binds these; destructuring them is its own idiom
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("jobs as o")
              .select("o.id")
              .whereRef("o.lane", "=", "j.lane")
              .where((eb) =>
                eb.or([
                  eb("o.state", "=", "running"),
                  eb.and([eb("o.state", "=", "queued"), eb("o.id", "<", eb.ref("j.id")), eb.or([eb("o.attempts", ">", 0), eb("o.run_at", "<=", now)])]),
                ]),
              ),
          ),
        ),
      )
      .orderBy("j.id")
      .limit(1)
      .executeTakeFirst();
    if (!row) return null;
    await tx.updateTable("jobs").set({ state: "running", attempts: row.attempts + 1, run_at: now }).where("id", "=", row.id).execute();
    return toJob({ ...row, state: "running", attempts: row.attempts + 1, run_at: now });
  });
}

export async function finishJob(db: Db, id: string, nowMs: number): Promise<void> {
  await db.updateTable("jobs").set({ state: "done", finished_at: iso(nowMs), error: null }).where("id", "=", Number(id)).execute();
}

export async function requeueJob(db: Db, id: string, runAtMs: number, error: string): Promise<void> {
  await db.updateTable("jobs").set({ state: "queued", run_at: iso(runAtMs), error }).where("id", "=", Number(id)).execute();
}

export async function buryJob(db: Db, id: string, nowMs: number, error: string): Promise<void> {
  await db.updateTable("jobs").set({ state: "failed", finished_at: iso(nowMs), error }).where("id", "=", Number(id)).execute();
}

/** Jobs a process that died left running: they run again (the lock file guarantees no one else runs them). */
export async function releaseRunning(db: Db): Promise<number> {
  const rows = await db.updateTable("jobs").set({ state: "queued" }).where("state", "=", "running").returning("id").execute();
  return rows.length;
}

export async function listJobs(db: Db, tenant: string, state: JobState | undefined, limit: number): Promise<Job[]> {
  let query = db.selectFrom("jobs").selectAll().where("tenant", "=", tenant);
  if (state !== undefined) query = query.where("state", "=", state);
  return (await query.orderBy("id", "desc").limit(limit).execute()).map(toJob);
}

export async function getJob(db: Db, id: string): Promise<Job | null> {
  if (!/^\d{1,15}$/.test(id)) return null;
  const row = await db.selectFrom("jobs").selectAll().where("id", "=", Number(id)).executeTakeFirst();
  return row ? toJob(row) : null;
}

/** A failed job queued again from the start: a fresh count of tries. */
export async function retryJob(db: Db, tenant: string, id: string, nowMs: number): Promise<boolean> {
  if (!/^\d{1,15}$/.test(id)) return false;
  const rows = await db
    .updateTable("jobs")
    .set({ state: "queued", attempts: 0, run_at: iso(nowMs), finished_at: null })
    .where("id", "=", Number(id))
    .where("tenant", "=", tenant)
    .where("state", "=", "failed")
    .returning("id")
    .execute();
  return rows.length > 0;
}

export async function finishQueued(db: Db, id: string, nowMs: number): Promise<void> {
  if (!/^\d{1,15}$/.test(id)) return;
  await db.updateTable("jobs").set({ state: "done", finished_at: iso(nowMs) }).where("id", "=", Number(id)).where("state", "=", "queued").execute();
}

export async function depthByKind(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("jobs")
    .select(["kind", sql<number>`count(*)`.as("n")])
    .where("state", "in", ["queued", "running"])
    .groupBy("kind")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

/** True while a job runs or one not yet tried waits (retries after a failure do not count). */
export async function busy(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom("jobs")
    .select("id")
    .where((eb) => eb.or([eb("state", "=", "running"), eb.and([eb("state", "=", "queued"), eb("attempts", "=", 0)])]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** When the next delayed job is due (after now), in milliseconds since the epoch. */
export async function nextDue(db: Db, nowMs: number): Promise<number | null> {
  const row = await db
    .selectFrom("jobs")
    .select((eb) => eb.fn.min("run_at").as("next"))
    .where("state", "=", "queued")
    .where("run_at", ">", iso(nowMs))
    .executeTakeFirst();
  return row?.next ? Date.parse(row.next) : null;
}

/** Finished jobs are kept for a while for the jobs list, then dropped. */
export async function pruneDone(db: Db, beforeMs: number): Promise<void> {
  await db.deleteFrom("jobs").where("state", "=", "done").where("finished_at", "<", iso(beforeMs)).execute();
}
