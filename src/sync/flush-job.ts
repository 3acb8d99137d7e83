import type { JobRequest, Store } from "../core/index.js";
import type { SyncDeps } from "./deps.js";

/**
 * The outbound flush of a tenant's app changes: one waiting job per tenant, due after the
 * tenant's debounce; writes during the window join it (it coalesces), so the window starts at
 * the first unsynced write and a stream of edits still commits every `delayMs`.
 */
export function flushRequest(tenant: string, delayMs: number): JobRequest {
  return { kind: "outbound", tenant, lane: tenant, payload: {}, delayMs, coalesce: `outbound:${tenant}` };
}

/**
 * Queues the flush inside the transaction that records the change (`tx`): the outbox rows and
 * the job that commits them exist together or not at all, so a crash after the change's answer
 * cannot leave it without the job that takes it to git. Pull-request mode waits for a snapshot.
 */
export async function queueFlush(deps: Pick<SyncDeps, "jobs">, tenant: string, tx: Store): Promise<void> {
  const git = await tx.getGitConnection(tenant);
  if (git.outbound === "direct") await deps.jobs.enqueue(flushRequest(tenant, git.debounceMs), tx);
}
