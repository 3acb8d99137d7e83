import type { Store } from "./store.js";

/**
 * Durable background work. Everything the server does after answering a request (a webhook's
 * apply or check, an outbound commit after the debounce, a snapshot) is a job in the database,
 * so a crash or a restart loses none of it and any instance may run it.
 *
 * A job belongs to a lane (a tenant, or a repository several tenants share): the jobs of one
 * lane run one at a time in the order they were enqueued, whichever instance takes them;
 * different lanes run in parallel up to the instance's concurrency.
 */

export type JobKind = "webhook" | "outbound" | "snapshot";
export type JobState = "queued" | "running" | "done" | "failed";
export const JOB_KINDS: readonly JobKind[] = ["webhook", "outbound", "snapshot"];
export const JOB_STATES: readonly JobState[] = ["queued", "running", "done", "failed"];

export interface JobRequest {
  kind: JobKind;
  /** The tenant the job works on, or null for a webhook several tenants share. */
  tenant: string | null;
  /** Jobs of one lane run one at a time, in order. */
  lane: string;
  payload: Record<string, unknown>;
  /** Run no earlier than this many milliseconds from now (a debounce). */
  delayMs?: number;
  /**
   * At most one job with this key waits at a time: enqueuing another while one is queued (not
   * yet running) adds nothing. An outbound flush uses it, so a burst of writes makes one commit.
   */
  coalesce?: string;
}

export interface Job {
  id: string;
  kind: JobKind;
  tenant: string | null;
  lane: string;
  state: JobState;
  payload: Record<string, unknown>;
  /** Runs started so far (the current one included while running). */
  attempts: number;
  /** The last failure's message, secrets redacted. */
  error: string | null;
  createdAt: string;
  /** When it runs next (queued), or ran last. */
  runAt: string;
  finishedAt: string | null;
}

/** What a handler's failure means for the job: run again after `retryInMs`, or (null) mark it failed. */
export interface JobFailure {
  retryInMs: number | null;
  /** The failure as the job keeps it: secrets already redacted. */
  message: string;
}

export interface JobHandler {
  run(job: Job): Promise<void>;
  /** A run threw: says whether and when it runs again. */
  failed(job: Job, error: unknown): Promise<JobFailure>;
}

export interface JobQueue {
  /** "sqlite" (the embedded default) or "pg-boss" (PostgreSQL, several instances). */
  readonly engine: string;
  /**
   * Stores the job. Given a Store bound to a transaction, the job is part of it: it exists if
   * and only if the transaction commits. Resolves to the job's id (an existing one when coalesced).
   */
  enqueue(request: JobRequest, within?: Store): Promise<string>;
  /** Starts taking jobs; `handler` runs each one. */
  start(handler: JobHandler): Promise<void>;
  /** Stops taking jobs and waits for the running ones. */
  stop(): Promise<void>;
  list(tenant: string, options?: { state?: JobState; limit?: number }): Promise<Job[]>;
  get(id: string): Promise<Job | null>;
  /** Queues a failed job again, at once; null when it is not failed (or not the tenant's). */
  retry(tenant: string, id: string): Promise<Job | null>;
  /**
   * Marks a queued job that has not started as done: the work it stood guard for was done by
   * its caller (the local hook's inline run). A job already taken is left to finish.
   */
  discard(id: string): Promise<void>;
  /** Jobs queued or running, by kind. */
  depth(): Promise<Record<string, number>>;
  /** Resolves when the queue's storage answers. */
  ping(): Promise<void>;
  /** Resolves once no job is running or due (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Runs `fn` while no other instance runs work under the same key (a tenant): work that runs
   * in a request rather than as a job (the local hook's inline apply, imports, restores, the
   * reconcile) is serialised with the tenant's jobs across instances too. Within one process
   * the caller serialises already; one process alone (SQLite) has nothing more to do.
   */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
}
