import type { GitConnection, PushEvent } from "../core/index.js";
import type { InboundOutcome } from "./inbound.js";
import type { SyncService } from "./service.js";

/** What the last poll of a tenant found, for the status page. */
export interface PollStatus {
  lastPollAt: string | null;
  /** The tracked branch's head on the server at the last successful poll. */
  head: string | null;
  /** Why the last poll failed (sign-in refused, host key changed, unreachable), else null. */
  error: string | null;
}

const ZERO = "0".repeat(40);

/**
 * Inbound for servers that send no usable push events (the `git` provider): each tenant's
 * tracked branch is fetched every `pollIntervalSeconds`, and at once when its signed webhook
 * arrives. A new head goes through the normal inbound flow as a push. Polls of one tenant never
 * overlap: a request during a poll runs once more right after it, since the running fetch may
 * have missed the push that prompted it.
 */
export class GitPoller {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly statuses = new Map<string, PollStatus>();
  private stopped = false;

  constructor(private readonly sync: SyncService) {}

  /** Schedules every tenant on a polled connection. */
  async start(): Promise<void> {
    this.stopped = false;
    for (const { slug } of await this.sync.deps.store.listTenants()) await this.refresh(slug);
  }

  /** Re-reads a tenant's connection after it changed: polling starts, stops or changes pace. */
  async refresh(tenant: string): Promise<void> {
    clearTimeout(this.timers.get(tenant));
    this.timers.delete(tenant);
    const git = await this.sync.deps.store.getGitConnection(tenant).catch(() => null);
    if (!git || git.provider !== "git") {
      this.statuses.delete(tenant);
      return;
    }
    this.schedule(tenant, git);
  }

  private schedule(tenant: string, git: GitConnection): void {
    const seconds = git.remote?.pollIntervalSeconds ?? 0;
    if (this.stopped || seconds <= 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(tenant);
      void this.pollNow(tenant).finally(() => void this.refresh(tenant));
    }, seconds * 1000);
    this.timers.set(tenant, timer);
  }

  status(tenant: string): PollStatus | null {
    return this.statuses.get(tenant) ?? null;
  }

  /** Fetches now (a webhook, a timer); resolves when this fetch and what it found are done. */
  pollNow(tenant: string): Promise<void> {
    const current = this.running.get(tenant);
    if (current) {
      this.again.add(tenant);
      return current;
    }
    const run = (async () => {
      do {
        this.again.delete(tenant);
        await this.pollOnce(tenant);
      } while (this.again.has(tenant) && !this.stopped);
    })().finally(() => this.running.delete(tenant));
    this.running.set(tenant, run);
    return run;
  }

  private async pollOnce(tenant: string): Promise<void> {
    const { store, log } = this.sync.deps;
    const previous = this.statuses.get(tenant) ?? { lastPollAt: null, head: null, error: null };
    const at = new Date().toISOString();
    try {
      const git = await store.getGitConnection(tenant);
      if (git.provider !== "git") return;
      const provider = await this.sync.deps.providers(tenant, git);
      const head = await this.sync.locks.run(tenant, () => provider.resolveRef({ repository: git.repository }, git.branch));
      const state = await store.getSyncState(tenant);
      // Only a head not seen yet, and not one gitsync applied or wrote itself, is a push.
      const seen = head === null || head === previous.head || head === state.lastAppliedSha || head === state.lastCommittedSha;
      if (!seen) await this.apply(tenant, git, previous.head ?? state.lastAppliedSha ?? ZERO, head);
      // Marked seen once handled: a poll that failed midway tries the same head again.
      this.statuses.set(tenant, { lastPollAt: at, head, error: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.statuses.set(tenant, { ...previous, lastPollAt: at, error: message });
      log.warn({ tenant, err: message }, "git poll failed");
    }
  }

  /** The new head, through the normal inbound flow, for this tenant only. */
  private async apply(tenant: string, git: GitConnection, before: string, after: string): Promise<InboundOutcome> {
    const event: PushEvent = {
      kind: "push",
      provider: "git",
      deliveryId: `poll:${tenant}:${after}`,
      repository: git.repository,
      branch: git.branch,
      before,
      after,
      forced: false,
      pusher: null,
      changedPaths: null,
    };
    const results = await this.sync.handlePush(event, tenant);
    const outcome = results.find((r) => r.tenant === tenant)?.outcome;
    this.sync.deps.log.info({ tenant, commit: after, status: outcome?.status }, "git poll found a new head");
    return outcome!;
  }

  /** Stops every timer and waits for polls in flight. */
  /** Resolves when no fetch runs (one a webhook started included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}
