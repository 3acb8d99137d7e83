import type { GitConnection, GitProvider, JobQueue, Metrics, Store } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import type { RetrySchedule } from "./retry-policy.js";

/** A logger with pino's call shape (Probot's logger fits), so the engine needs no pino import. */
export interface SyncLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Gives the provider adapter for a tenant's git connection (the registry decides which). */
export type ProviderResolver = (tenant: string, connection: GitConnection) => Promise<GitProvider>;

export interface SyncDeps {
  store: Store;
  catalog: Catalog;
  providers: ProviderResolver;
  log: SyncLogger;
  now: () => Date;
  /** Name and email gitsync commits as. */
  committer: { name: string; email: string };
  /** Where latencies and failures are counted (none by default). */
  metrics?: Metrics;
  /** Where background work is stored until it is done. */
  jobs: JobQueue;
  /** How failed jobs are tried again (the retry policy's default when absent). */
  retry?: RetrySchedule;
}

/**
 * Serialises work per tenant: inbound applies, outbound commits and snapshots of one tenant
 * never interleave, while different tenants proceed in parallel. In this process by a chain
 * per tenant; across instances by the job queue's `exclusive` (a database lock), taken only by
 * the one waiter this process lets through.
 */
export class TenantLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly shared?: Pick<JobQueue, "exclusive">) {}

  run<T>(tenant: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(tenant) ?? Promise.resolve();
    const shared = this.shared;
    const result = previous.then(shared ? () => shared.exclusive(tenant, fn) : fn);
    const tail = result.catch(() => undefined);
    this.tails.set(tenant, tail);
    void tail.then(() => {
      if (this.tails.get(tenant) === tail) this.tails.delete(tenant);
    });
    return result;
  }
}
