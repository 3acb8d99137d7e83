import type { Kysely } from "kysely";
import type { Job, JobHandler, JobQueue, JobRequest, JobState } from "../../core/jobs.js";
import type { Store } from "../../core/store.js";
import { KyselyStore } from "../kysely-store.js";
import type { Database } from "../schema.js";
import * as rows from "./sqlite-rows.js";

export interface SqliteQueueOptions {
  /** Jobs of different lanes run at once, up to this many. */
  concurrency: number;
  /** The longest the queue sleeps without looking at the table. */
  pollMs?: number;
  now?: () => number;
  /** Told about failures of the queue itself (not of a job). */
  onError?: (error: unknown) => void;
}

const KEEP_DONE_MS = 7 * 24 * 60 * 60_000;
const MAX_SLEEP_MS = 60_000;
/** After a poll that failed: soon again, or due jobs would wait for the next write. */
const AFTER_FAILURE_MS = 100;

/**
 * The embedded default: jobs in the SQLite database beside everything else, worked by this one
 * process (the data folder's lock file keeps a second one out).
 */
export class SqliteJobQueue implements JobQueue {
  readonly engine = "sqlite";
  private handler: JobHandler | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Set<Promise<void>>();
  private polling = false;
  /** A wake-up arrived while polling: poll once more. */
  private again = false;
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: SqliteQueueOptions,
  ) {
    this.now = options.now ?? (() => Date.now());
  }

  async enqueue(request: JobRequest, within?: Store): Promise<string> {
    const id = await rows.insertJob(handleOf(within) ?? this.db, request, this.now());
    // Committed or not yet, the next poll sees it; ask for one soon.
    setImmediate(() => void this.poll());
    return id;
  }

  async start(handler: JobHandler): Promise<void> {
    const started = this.handler !== null;
    this.handler = handler;
    if (started) return;
    await rows.releaseRunning(this.db);
    await rows.pruneDone(this.db, this.now() - KEEP_DONE_MS);
    setImmediate(() => void this.poll());
  }

  async stop(): Promise<void> {
    this.handler = null;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /**
   * Starts due jobs until the concurrency is reached or none may run, then sleeps until the
   * next delayed job is due. This process is the only one enqueuing (the data folder's lock),
   * so an enqueue, a finished job and a retry wake it; a poll that failed sets its own timer.
   */
  private async poll(): Promise<void> {
    if (!this.handler) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = true;
    this.again = false;
    if (this.timer) clearTimeout(this.timer);
    let next: number | null = null;
    let failed = false;
    // One instant for the whole pass: a job not yet due at the claim must count as "next" even
    // when it falls due before the pass ends (timers may also fire a millisecond early).
    const at = this.now();
    try {
      while (this.handler && this.running.size < this.options.concurrency) {
        const job = await rows.claimNext(this.db, at);
        if (!job) break;
        const run = this.execute(this.handler, job).finally(() => {
          this.running.delete(run);
          setImmediate(() => void this.poll());
        });
        this.running.add(run);
      }
      next = await rows.nextDue(this.db, at);
    } catch (error) {
      failed = true;
      this.options.onError?.(error);
    } finally {
      const wait = failed ? AFTER_FAILURE_MS : next === null ? null : Math.max(1, Math.min(next - this.now(), this.options.pollMs ?? MAX_SLEEP_MS));
      if (this.handler && wait !== null) {
        this.timer = setTimeout(() => void this.poll(), wait);
        this.timer.unref();
      }
      this.polling = false;
      if (this.again) setImmediate(() => void this.poll());
    }
  }

  private async execute(handler: JobHandler, job: Job): Promise<void> {
    try {
      await handler.run(job);
      await rows.finishJob(this.db, job.id, this.now());
    } catch (error) {
      try {
        const failure = await handler.failed(job, error);
        if (failure.retryInMs === null) await rows.buryJob(this.db, job.id, this.now(), failure.message);
        else await rows.requeueJob(this.db, job.id, this.now() + failure.retryInMs, failure.message);
      } catch (inner) {
        this.options.onError?.(inner);
      }
    }
  }

  list(tenant: string, options: { state?: JobState; limit?: number } = {}): Promise<Job[]> {
    return rows.listJobs(this.db, tenant, options.state, options.limit ?? 50);
  }

  get(id: string): Promise<Job | null> {
    return rows.getJob(this.db, id);
  }

  async retry(tenant: string, id: string): Promise<Job | null> {
    if (!(await rows.retryJob(this.db, tenant, id, this.now()))) return null;
    setImmediate(() => void this.poll());
    return rows.getJob(this.db, id);
  }

  async discard(id: string): Promise<void> {
    await rows.finishQueued(this.db, id, this.now());
  }

  depth(): Promise<Record<string, number>> {
    return rows.depthByKind(this.db);
  }

  async ping(): Promise<void> {
    await this.db.selectFrom("jobs").select("id").limit(1).execute();
  }

  /** The data folder's lock keeps every other process out: nothing to coordinate. */
  exclusive<T>(_key: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async idle(): Promise<void> {
    while (this.running.size > 0 || (await rows.busy(this.db))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** The transaction a Store is bound to, when the job must be part of it. */
export function handleOf(within: Store | undefined): Kysely<Database> | null {
  return within instanceof KyselyStore ? within.handle() : null;
}
