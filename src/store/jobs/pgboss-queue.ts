import { CompiledQuery, sql, type Kysely } from "kysely";
import PgBoss from "pg-boss";
import type { Job, JobHandler, JobQueue, JobRequest, JobState } from "../../core/jobs.js";
import type { Store } from "../../core/store.js";
import type { Database } from "../schema.js";
import { handleOf } from "./sqlite-queue.js";
import * as rows from "./pgboss-rows.js";
import { AdvisoryLocks } from "./advisory-locks.js";

export interface PgBossQueueOptions {
  databaseUrl: string;
  /** Jobs of different lanes this instance runs at once. */
  concurrency: number;
  /** Seconds a running job may go without finishing before another instance takes it over. */
  leaseSeconds: number;
  onError?: (error: unknown) => void;
}

/** How soon a job whose lane is busy is looked at again. */
const LANE_BUSY_MS = 200;
/** Tenants worked on at once in requests (not jobs) before another waits for a lock connection. */
const LOCKS_FOR_REQUESTS = 8;
/** pg-boss's own tries are only for jobs whose instance died; gitsync decides the others. */
const TAKEOVERS = 1000;

/**
 * PostgreSQL: pg-boss in its own schema of the server's database, shared by every instance.
 * pg-boss stores, hands out (SKIP LOCKED), expires and takes over jobs; the lane order is
 * gitsync's: a job runs only while holding its lane's advisory lock (a session lock: it goes
 * with the connection if the process dies) and when no older job of its lane is unfinished.
 */
export class PgBossJobQueue implements JobQueue {
  readonly engine = "pg-boss";
  private readonly boss: PgBoss;
  private readonly running = new Set<Promise<void>>();
  private started = false;
  private working = false;
  private readonly locks: AdvisoryLocks;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: PgBossQueueOptions,
  ) {
    this.boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: rows.SCHEMA,
      max: Math.max(2, options.concurrency),
      // Expired jobs are found by the maintenance pass: run it often enough for the lease.
      maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(options.leaseSeconds / 2))),
      schedule: false,
    });
    this.boss.on("error", (error) => options.onError?.(error));
    // One connection per tenant this instance works on at once, in requests and jobs.
    this.locks = new AdvisoryLocks(options.databaseUrl, options.concurrency + LOCKS_FOR_REQUESTS, (error) => options.onError?.(error));
  }

  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.exclusive(key, fn);
  }

  async enqueue(request: JobRequest, within?: Store): Promise<string> {
    await this.open();
    const handle = handleOf(within) ?? this.db;
    if (request.coalesce !== undefined) {
      const waiting = await rows.waitingWith(handle, request.coalesce);
      if (waiting !== null) return waiting;
    }
    const data = { kind: request.kind, tenant: request.tenant, lane: request.lane, payload: request.payload, coalesce: request.coalesce ?? null };
    const id = await this.boss.send(rows.QUEUE, data, {
      startAfter: new Date(Date.now() + (request.delayMs ?? 0)),
      retryLimit: TAKEOVERS,
      retryDelay: 1,
      retryBackoff: true,
      expireInSeconds: this.options.leaseSeconds,
      db: { executeSql: async (text: string, values: unknown[]) => handle.executeQuery(CompiledQuery.raw(text, values)) },
    });
    if (id === null) throw new Error("the job queue did not store the job");
    return id;
  }

  /** pg-boss's schema is made (or brought up to date) by its start. */
  private async open(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    this.started = true;
    if (!(await this.boss.getQueue(rows.QUEUE))) {
      // Several instances starting at once: one creates it, the others find it made.
      await this.boss.createQueue(rows.QUEUE, { name: rows.QUEUE, policy: "standard" }).catch(async (error: unknown) => {
        if (!(await this.boss.getQueue(rows.QUEUE))) throw error;
      });
    }
  }

  async start(handler: JobHandler): Promise<void> {
    if (this.working) return;
    this.working = true;
    await this.open();
    const options = { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true } as const;
    for (let i = 0; i < this.options.concurrency; i += 1) {
      await this.boss.work(rows.QUEUE, options, async ([job]) => {
        if (!job) return;
        const run = this.execute(handler, job as unknown as PgBoss.JobWithMetadata<BossData>);
        this.running.add(run);
        try {
          await run;
        } finally {
          this.running.delete(run);
        }
      });
    }
  }

  async stop(): Promise<void> {
    if (this.started) {
      await this.boss.stop({ graceful: true, wait: true, close: true, timeout: 30_000 });
      await Promise.allSettled([...this.running]);
      this.started = false;
      this.working = false;
    }
    await this.locks.close();
  }

  /** Runs one job under its lane's lock; every outcome is written here, so pg-boss's completion finds nothing left to do. */
  private async execute(handler: JobHandler, raw: PgBoss.JobWithMetadata<BossData>): Promise<void> {
    const job = rows.toJob({ ...raw, state: "active", data: raw.data, retry_count: raw.retryCount, output: null, created_on: raw.createdOn, start_after: raw.startAfter, completed_on: null });
    await this.db.connection().execute(async (session) => {
      const key = `gitsync-lane:${job.lane}`;
      const { rows: locked } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`.execute(session);
      if (!locked[0]?.ok) return rows.putBack(this.db, job.id, LANE_BUSY_MS);
      try {
        if (await rows.olderInLane(session, { id: job.id, lane: job.lane })) {
          return await rows.putBack(this.db, job.id, LANE_BUSY_MS);
        }
        await this.attempt(handler, job);
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(session);
      }
    });
  }

  private async attempt(handler: JobHandler, job: Job): Promise<void> {
    try {
      // pg-boss completes the job when this returns.
      await handler.run(job);
    } catch (error) {
      const failure = await handler.failed(job, error);
      if (failure.retryInMs === null) await rows.bury(this.db, job.id, failure.message);
      else await rows.retryLater(this.db, job.id, failure.retryInMs, failure.message);
    }
  }

  async list(tenant: string, options: { state?: JobState; limit?: number } = {}): Promise<Job[]> {
    await this.open();
    return rows.listJobs(this.db, tenant, options.state, options.limit ?? 50);
  }

  async get(id: string): Promise<Job | null> {
    await this.open();
    return rows.getJob(this.db, id);
  }

  async retry(tenant: string, id: string): Promise<Job | null> {
    await this.open();
    return (await rows.requeueFailed(this.db, tenant, id)) ? rows.getJob(this.db, id) : null;
  }

  async discard(id: string): Promise<void> {
    await this.open();
    await rows.finishQueued(this.db, id);
  }

  async depth(): Promise<Record<string, number>> {
    await this.open();
    return rows.depthByKind(this.db);
  }

  async ping(): Promise<void> {
    await this.open();
    await rows.depthByKind(this.db);
  }

  async idle(): Promise<void> {
    while (this.running.size > 0 || (await rows.busy(this.db))) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface BossData {
  kind: Job["kind"];
  tenant: string | null;
  lane: string;
  payload: Record<string, unknown>;
}
