import type { Actor, Job, JobFailure, JobHandler, ProviderEvent } from "../core/index.js";
import type { SyncService } from "./service.js";
import { jobRetryDelay } from "./retry-policy.js";

/**
 * Runs the server's background jobs on the sync engine: a webhook's event, an outbound flush
 * after the debounce, a snapshot. A failure is retried on the retry policy's schedule; one that
 * cannot succeed, or that ran out of tries, becomes a failed job with a failed sync-log entry,
 * until someone retries it.
 */
export class SyncJobs implements JobHandler {
  constructor(private readonly sync: SyncService) {}

  async run(job: Job): Promise<void> {
    const tenant = job.tenant ?? "";
    switch (job.kind) {
      case "webhook":
        await this.sync.processDelivery(job.payload.event as ProviderEvent);
        return;
      case "outbound": {
        const outcome = await this.sync.locks.run(tenant, () => this.sync.outbound.flush(tenant));
        if (outcome.status === "committed") await this.sync.integrity.changed(tenant);
        return;
      }
      case "snapshot":
        await this.sync.snapshots.runJob(tenant, Number(job.payload.logId), job.payload.actor as Actor);
        return;
    }
  }

  async failed(job: Job, error: unknown): Promise<JobFailure> {
    const { log, metrics, store } = this.sync.deps;
    const message = redactMessage(error instanceof Error ? error.message : String(error));
    const retryInMs = jobRetryDelay(job.attempts, error, this.sync.deps.retry);
    metrics?.jobFailed(job.kind);
    const final = retryInMs === null ? " (failed job: retry it from the jobs list)" : "";
    log.error({ job: job.id, kind: job.kind, tenant: job.tenant, ...eventContext(job), attempts: job.attempts, retryInMs, err: message }, `${job.kind} job failed${final}`);
    if (job.tenant !== null) {
      const text = `${job.kind} job ${job.id}, try ${job.attempts}: ${message}${final}`;
      if (job.kind === "snapshot") {
        await store.updateSyncLog(Number(job.payload.logId), { status: retryInMs === null ? "failed" : "queued", error: text }).catch(() => undefined);
      } else {
        const direction = job.kind === "outbound" ? "OUTBOUND" : "INBOUND";
        await store.appendSyncLog(job.tenant, { direction, status: "failed", error: text }).catch(() => undefined);
      }
    }
    return { retryInMs, message };
  }
}

/** A webhook job's event, as its log lines name it. */
function eventContext(job: Job): Record<string, string> {
  if (job.kind !== "webhook") return {};
  const event = job.payload.event as ProviderEvent;
  return { provider: event.provider, event: event.kind, delivery: event.deliveryId, repository: event.repository };
}

/** Credentials a message may carry in a URL or a header are never kept with the job. */
export function redactMessage(message: string): string {
  return message
    .replace(/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, "$1[redacted]@")
    .replace(/(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [redacted]")
    .slice(0, 2000);
}
