import { sql, type Kysely } from "kysely";
import type { Job, JobKind, JobState } from "../../core/jobs.js";
import type { Database } from "../schema.js";

/**
 * Reads and state changes on pg-boss's job table that its API does not offer: the lane gate's
 * "not yet" (back to created, no try counted), a retry at gitsync's own delay (a provider's
 * Retry-After), a failure that must not be retried, a completion written while the lane is
 * still locked, the take-over of a dead instance's job, and listing by tenant.
 */

type Db = Kysely<Database>;
export const QUEUE = "gitsync";
export const SCHEMA = "pgboss";

const STATES: Record<string, JobState> = {
  created: "queued",
  retry: "queued",
  active: "running",
  completed: "done",
  failed: "failed",
  cancelled: "failed",
};
const OF_STATE: Record<JobState, string[]> = {
  queued: ["created", "retry"],
  running: ["active"],
  done: ["completed"],
  failed: ["failed", "cancelled"],
};

interface Row {
  id: string;
  state: string;
  data: { kind: JobKind; tenant: string | null; lane: string; payload: Record<string, unknown> };
  retry_count: number;
  output: { message?: string } | null;
  created_on: Date;
  start_after: Date;
  completed_on: Date | null;
}

export function toJob(row: Row): Job {
  return {
    id: row.id,
    kind: row.data.kind,
    tenant: row.data.tenant,
    lane: row.data.lane,
    state: STATES[row.state] ?? "failed",
    payload: row.data.payload,
    attempts: row.retry_count + (row.state === "created" || row.state === "retry" ? 0 : 1),
    error: typeof row.output?.message === "string" ? row.output.message : null,
    createdAt: new Date(row.created_on).toISOString(),
    runAt: new Date(row.start_after).toISOString(),
    finishedAt: row.completed_on ? new Date(row.completed_on).toISOString() : null,
  };
}

const COLUMNS = sql.raw("id, state, data, retry_count, output, created_on, start_after, completed_on");
const table = sql.raw(`${SCHEMA}.job`);

/** A job not yet started that would take the same work in (see JobRequest.coalesce). */
export async function waitingWith(db: Db, coalesce: string): Promise<string | null> {
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM ${table} WHERE name = ${QUEUE} AND state = 'created' AND data->>'coalesce' = ${coalesce} LIMIT 1`.execute(db);
  return rows[0]?.id ?? null;
}

/**
 * The lane rule, as SQL on two aliases of the job table: job `o` is older than job `j`, in j's
 * lane, and must run first: it is running (or held by an instance that died, until it is taken
 * over), or queued and due, or waiting for a retry. Both the fetch and the lane gate apply it.
 */
function runsBefore(o: "o", j: "j" | "self") {
  const [O, J] = [sql.raw(o), sql.raw(j)];
  return sql`${O}.name = ${QUEUE} AND ${O}.data->>'lane' = ${J}.data->>'lane' AND ${O}.id <> ${J}.id
    AND (${O}.created_on, ${O}.id) < (${J}.created_on, ${J}.id)
    AND (${O}.state IN ('active', 'retry') OR (${O}.state = 'created' AND ${O}.start_after <= now()))`;
}

/**
 * True when an older job of the lane must run first (`runsBefore`). The job's own creation time
 * is read from its row: pg-boss hands it over as a Date, whose milliseconds would make a job
 * created in the same millisecond look younger.
 */
export async function olderInLane(db: Db, job: { id: string }): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    SELECT o.id FROM ${table} o, ${table} self
    WHERE self.name = ${QUEUE} AND self.id = ${job.id}::uuid AND ${runsBefore("o", "self")}
    LIMIT 1`.execute(db);
  return rows.length > 0;
}

/**
 * Takes the oldest due job that may run now: none of its lane running, and none older that
 * must run first (`runsBefore`). pg-boss's own fetch knows nothing of
 * lanes: it would hand every worker the next job of a busy lane, only for each to be put back.
 * Two instances may still take two jobs of one lane at the same moment; the lane lock then
 * puts the younger back. Counts a try as pg-boss's fetch does: when the job had started before.
 */
export async function fetchNext(db: Db): Promise<Fetched | null> {
  const { rows } = await sql<Row>`
    WITH next AS (
      SELECT j.id FROM ${table} j
      WHERE j.name = ${QUEUE} AND j.state < 'active' AND j.start_after <= now()
        AND NOT EXISTS (SELECT 1 FROM ${table} o WHERE ${runsBefore("o", "j")})
        AND NOT EXISTS (SELECT 1 FROM ${table} a WHERE a.name = ${QUEUE} AND a.data->>'lane' = j.data->>'lane' AND a.state = 'active')
      ORDER BY j.created_on, j.id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE ${table} u SET state = 'active', started_on = now(),
      retry_count = CASE WHEN u.started_on IS NOT NULL THEN u.retry_count + 1 ELSE u.retry_count END
    FROM next WHERE u.name = ${QUEUE} AND u.id = next.id
    RETURNING ${sql.raw("u.id, u.state, u.data, u.retry_count, u.output, u.created_on, u.start_after, u.completed_on")}`.execute(db);
  const row = rows[0];
  return row ? { ...row, retryCount: row.retry_count } : null;
}

/**
 * One fetch of a job: its id and the tries counted when it was fetched. Every later fetch of a
 * job that had started counts one more, so an instance whose fetch was taken over (see
 * `orphans`) finds its claim gone and writes nothing over the new one's.
 */
export interface Claim {
  id: string;
  retryCount: number;
}

/** A job as fetched, with its claim. */
export type Fetched = Row & Claim;

const claimed = (claim: Claim) =>
  sql`name = ${QUEUE} AND id = ${claim.id}::uuid AND state = 'active' AND retry_count = ${claim.retryCount}`;

/** True while the job is still active under this fetch. */
export async function holds(db: Db, claim: Claim): Promise<boolean> {
  const { rows } = await sql`SELECT 1 FROM ${table} WHERE ${claimed(claim)}`.execute(db);
  return rows.length > 0;
}

/**
 * Back to the queue without counting a try (the fetch counts one only when started_on is
 * set): its lane is busy. In the retry state it still holds its place before newer jobs.
 */
export async function putBack(db: Db, claim: Claim, delayMs: number): Promise<void> {
  await sql`UPDATE ${table} SET state = 'retry', started_on = NULL,
    start_after = now() + ${delayMs} * interval '1 millisecond'
    WHERE ${claimed(claim)}`.execute(db);
}

/** Runs again after `delayMs`; the next fetch counts the try. */
export async function retryLater(db: Db, claim: Claim, delayMs: number, message: string): Promise<void> {
  await sql`UPDATE ${table} SET state = 'retry', output = ${JSON.stringify({ message })}::jsonb,
    start_after = now() + ${delayMs} * interval '1 millisecond'
    WHERE ${claimed(claim)}`.execute(db);
}

export async function bury(db: Db, claim: Claim, message: string): Promise<void> {
  await sql`UPDATE ${table} SET state = 'failed', completed_on = now(), output = ${JSON.stringify({ message })}::jsonb
    WHERE ${claimed(claim)}`.execute(db);
}

export async function complete(db: Db, claim: Claim): Promise<void> {
  await sql`UPDATE ${table} SET state = 'completed', completed_on = now() WHERE ${claimed(claim)}`.execute(db);
}

/**
 * Jobs active for longer than `graceMs`: their instance may have died. The caller proves it
 * (their lane lock is free) before calling `release`.
 */
export async function orphans(db: Db, graceMs: number): Promise<(Claim & { lane: string })[]> {
  const { rows } = await sql<{ id: string; lane: string; retry_count: number }>`
    SELECT id, data->>'lane' AS lane, retry_count FROM ${table}
    WHERE name = ${QUEUE} AND state = 'active' AND started_on < now() - ${graceMs} * interval '1 millisecond'`.execute(db);
  return rows.map((r) => ({ id: r.id, lane: r.lane, retryCount: r.retry_count }));
}

/** A job whose instance died, queued again at once; its next fetch counts the try. */
export async function release(db: Db, claim: Claim): Promise<boolean> {
  const message = "taken over: the instance running it stopped";
  const { rows } = await sql`UPDATE ${table} SET state = 'retry', start_after = now(), output = ${JSON.stringify({ message })}::jsonb
    WHERE ${claimed(claim)} RETURNING id`.execute(db);
  return rows.length > 0;
}

/** A failed job queued again from the start, with a fresh count of tries. */
export async function requeueFailed(db: Db, tenant: string, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const { rows } = await sql<{ id: string }>`
    UPDATE ${table} SET state = 'created', retry_count = 0, started_on = NULL, completed_on = NULL, start_after = now()
    WHERE name = ${QUEUE} AND id = ${id}::uuid AND data->>'tenant' = ${tenant} AND state IN ('failed', 'cancelled')
    RETURNING id`.execute(db);
  return rows.length > 0;
}

export async function listJobs(db: Db, tenant: string, state: JobState | undefined, limit: number): Promise<Job[]> {
  const states = state ? OF_STATE[state] : Object.keys(STATES);
  const { rows } = await sql<Row>`
    SELECT ${COLUMNS} FROM ${table}
    WHERE name = ${QUEUE} AND data->>'tenant' = ${tenant} AND state::text IN (${sql.join(states)})
    ORDER BY created_on DESC, id DESC LIMIT ${limit}`.execute(db);
  return rows.map(toJob);
}

export async function getJob(db: Db, id: string): Promise<Job | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const { rows } = await sql<Row>`SELECT ${COLUMNS} FROM ${table} WHERE name = ${QUEUE} AND id = ${id}::uuid`.execute(db);
  return rows[0] ? toJob(rows[0]) : null;
}

export async function depthByKind(db: Db): Promise<Record<string, number>> {
  const { rows } = await sql<{ kind: string; n: string }>`
    SELECT data->>'kind' AS kind, count(*) AS n FROM ${table}
    WHERE name = ${QUEUE} AND state IN ('created', 'retry', 'active') GROUP BY 1`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

/** A job not yet started marked completed (see JobQueue.discard). */
export async function finishQueued(db: Db, id: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return;
  await sql`UPDATE ${table} SET state = 'completed', completed_on = now()
    WHERE name = ${QUEUE} AND id = ${id}::uuid AND state IN ('created', 'retry')`.execute(db);
}

/** True while a job runs or one not yet tried waits. */
export async function busy(db: Db): Promise<boolean> {
  const { rows } = await sql`
    SELECT 1 FROM ${table} WHERE name = ${QUEUE} AND (state = 'active' OR (state = 'created' AND retry_count = 0)) LIMIT 1`.execute(db);
  return rows.length > 0;
}
