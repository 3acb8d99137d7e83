import { CompiledQuery, type Kysely } from "kysely";
import PgBoss from "pg-boss";
import type { Job, JobHandler, JobQueue, JobRequest, JobState } from "../../core/jobs.js";
import type { Store } from "../../core/store.js";
import type { Database } from "../schema.js";
import { handleOf } from "./sqlite-queue.js";
import * as rows from "./pgboss-rows.js";
import { AdvisoryLocks } from "./advisory-locks.js";
import { takeOverOrphans, withLaneLock } from "./lane-lock.js";

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
/** How often an idle worker asks for a job. */
const POLL_MS = 500;
/** How often every instance looks for jobs whose instance died. */
const TAKE_OVER_EVERY_MS = 2_000;
/** Tenants worked on at once in requests (not jobs) before another waits for a lock connection. */
const LOCKS_FOR_REQUESTS = 8;
/** pg-boss's retry limit applies only when a job's lease runs out; gitsync decides every other retry. */
const TAKEOVERS = 1000;

/**
 * PostgreSQL: pg-boss in its own schema of the server's database, shared by every instance.
 * pg-boss stores and expires jobs; handing them out is gitsync's, lane by lane (see
 * `fetchNext`), and so is the lane order: a job runs only while holding its lane's advisory
 * lock (a session lock: it goes with the connection if the process dies) and when no older job
 * of its lane is unfinished. That lock also tells a dead instance's job from a running one, so
 * the job is taken over without waiting for its lease.
 */
export class PgBossJobQueue implements JobQueue {
  readonly engine = "pg-boss";
  private readonly boss: PgBoss;
  private readonly running = new Set<Promise<void>>();
  private started = false;
  private working = false;
  private readonly loops: Promise<void>[] = [];
  private readonly wake = new Set<() => void>();
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
    for (let i = 0; i < this.options.concurrency; i += 1) this.loops.push(this.workLoop(handler));
    this.loops.push(this.takeOverLoop());
  }

  /**
   * Fetches and runs one job at a time. gitsync's own loop rather than pg-boss's `work`: that
   * one fetches without regard to lanes, and completes or fails the job by id once the handler
   * returns, which would overwrite the job's new fetch when this one was taken over.
   */
  private async workLoop(handler: JobHandler): Promise<void> {
    while (this.working) {
      const job = await rows.fetchNext(this.db).catch((error: unknown) => {
        this.options.onError?.(error);
        return null;
      });
      if (!job) {
        await this.nap(POLL_MS);
        continue;
      }
      const run = this.execute(handler, job).catch((error: unknown) => this.options.onError?.(error));
      this.running.add(run);
      await run;
      this.running.delete(run);
    }
  }

  private async takeOverLoop(): Promise<void> {
    while (this.working) {
      await this.takeOver().catch((error: unknown) => this.options.onError?.(error));
      await this.nap(TAKE_OVER_EVERY_MS);
    }
  }

  /** Queues again every job whose instance died (see `takeOverOrphans`); returns how many. */
  takeOver(): Promise<number> {
    return takeOverOrphans(this.db);
  }

  /** Waits `ms`, or less when the queue stops. */
  private nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.add(done);
    });
  }

  async stop(): Promise<void> {
    this.working = false;
    for (const wake of [...this.wake]) wake();
    await Promise.allSettled(this.loops.splice(0));
    await Promise.allSettled([...this.running]);
    if (this.started) {
      await this.boss.stop({ graceful: true, wait: true, close: true, timeout: 30_000 });
      this.started = false;
    }
    await this.locks.close();
  }

  /**
   * Runs one job under its lane's lock. Every outcome is written while the lock is held, so a
   * job is never left active with its lane free unless its instance died; and only if the job
   * is still active under this fetch (it may have been taken over meanwhile).
   */
  private async execute(handler: JobHandler, fetched: rows.Fetched): Promise<void> {
    const job = rows.toJob(fetched);
    const claim: rows.Claim = { id: fetched.id, retryCount: fetched.retryCount };
    const busy = () => rows.putBack(this.db, claim, LANE_BUSY_MS);
    await withLaneLock(
      this.db,
      job.lane,
      async (session) => {
        if (!(await rows.holds(session, claim))) return;
        if (await rows.olderInLane(session, { id: job.id })) return busy();
        await this.attempt(handler, job, claim);
      },
      busy,
    );
  }

  private async attempt(handler: JobHandler, job: Job, claim: rows.Claim): Promise<void> {
    try {
      await handler.run(job);
    } catch (error) {
      const failure = await handler.failed(job, error);
      if (failure.retryInMs === null) await rows.bury(this.db, claim, failure.message);
      else await rows.retryLater(this.db, claim, failure.retryInMs, failure.message);
      return;
    }
    await rows.complete(this.db, claim);
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
