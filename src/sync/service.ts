import type { GitConnection, ProviderEvent, ProviderName, PullRequestEvent, PushEvent } from "../core/index.js";
import { TenantLocks, type SyncDeps } from "./deps.js";
import { ImportSync } from "./import.js";
import { InboundSync, type InboundOutcome } from "./inbound.js";
import { OutboundSync } from "./outbound.js";
import { postComment, PullRequestCheck, type CheckOutcome } from "./pr-check.js";
import { ResyncSync } from "./resync.js";
import { SnapshotSync } from "./snapshot.js";
import { CHECK_NAME } from "./verdict.js";

/**
 * The sync engine as one object per server: every flow of DESIGN.md, serialised per tenant.
 * Webhook receivers hand it provider-neutral events; the API calls its flows.
 */
export class SyncService {
  readonly locks = new TenantLocks();
  readonly inbound: InboundSync;
  readonly outbound: OutboundSync;
  readonly snapshots: SnapshotSync;
  readonly imports: ImportSync;
  readonly resync: ResyncSync;
  readonly checks: PullRequestCheck;
  private readonly background = new Set<Promise<unknown>>();

  constructor(readonly deps: SyncDeps) {
    this.inbound = new InboundSync(deps);
    this.outbound = new OutboundSync(deps, this.inbound, this.locks);
    this.snapshots = new SnapshotSync(deps, this.locks);
    this.imports = new ImportSync(deps);
    this.resync = new ResyncSync(deps);
    this.checks = new PullRequestCheck(deps);
  }

  /** Picks up outbox rows left by a previous run. */
  async start(): Promise<void> {
    await this.outbound.recover();
  }

  async stop(): Promise<void> {
    this.outbound.stop();
    await this.idle();
  }

  /** Runs webhook work in the background; failures are logged, never lost silently. */
  track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => {
      this.deps.log.error({ err: error instanceof Error ? error.message : String(error) }, "webhook processing failed");
      this.deps.metrics?.jobFailed("webhook");
    });
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  /** Background work waiting or running, by kind, for the queue-depth metric. */
  queueDepth(): Record<string, number> {
    return { webhook: this.background.size, outbound: this.outbound.pending(), snapshot: this.snapshots.pendingRuns() };
  }

  /** Waits for background webhook work, scheduled commits and snapshots. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    await Promise.allSettled([this.outbound.idle(), this.snapshots.idle()]);
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** An app change was recorded in the outbox: commit it after the tenant's debounce. */
  async changed(tenant: string): Promise<void> {
    const git = await this.deps.store.getGitConnection(tenant);
    if (git.outbound === "direct") this.outbound.schedule(tenant, git.debounceMs);
  }

  /** Tenants whose git connection points at this provider's repository. */
  async tenantsFor(provider: ProviderName, repository: string): Promise<{ tenant: string; git: GitConnection }[]> {
    return (await this.deps.store.findGitConnections(provider, repository)).map(({ tenant, connection }) => ({ tenant, git: connection }));
  }

  /**
   * A verified webhook event. Redeliveries are dropped by delivery id; a push only does work
   * for the tenants whose branch it moved (each reads only its own path's changes).
   */
  async handleEvent(event: ProviderEvent): Promise<{ tenant: string; outcome: InboundOutcome | CheckOutcome }[]> {
    if (!(await this.deps.store.recordDelivery(event.provider, event.deliveryId))) {
      this.deps.log.info({ provider: event.provider, delivery: event.deliveryId }, "webhook redelivery ignored");
      return [];
    }
    return event.kind === "push" ? this.handlePush(event) : this.handlePullRequest(event);
  }

  async handlePush(event: PushEvent): Promise<{ tenant: string; outcome: InboundOutcome }[]> {
    const tenants = (await this.tenantsFor(event.provider, event.repository)).filter((t) => InboundSync.tracks(t.git, event));
    const results: { tenant: string; outcome: InboundOutcome }[] = [];
    const received = performance.now();
    for (const { tenant } of tenants) {
      const outcome = await this.locks.run(tenant, () =>
        this.inbound.apply({ tenant, after: event.after, pusher: event.pusher, forced: event.forced }),
      );
      if (outcome.status === "applied") this.deps.metrics?.inboundLatency((performance.now() - received) / 1000);
      else if (outcome.status === "noop") this.deps.log.info({ tenant, commit: event.after, reason: outcome.reason }, "inbound push skipped");
      results.push({ tenant, outcome });
    }
    return results;
  }

  async handlePullRequest(event: PullRequestEvent): Promise<{ tenant: string; outcome: CheckOutcome }[]> {
    if (!["opened", "updated", "reopened", "rerequested"].includes(event.action)) return [];
    const tenants = (await this.tenantsFor(event.provider, event.repository)).filter((t) => t.git.branch === event.base);
    const shared = tenants.length > 1;
    const results: { tenant: string; outcome: CheckOutcome }[] = [];
    for (const { tenant } of tenants) {
      const outcome = await this.checks.evaluate(tenant, {
        number: event.number,
        headSha: event.headSha,
        base: event.base,
        baseSha: event.baseSha,
        // Several tenants in one repository: one check each, named after the tenant, and one
        // comment with a section each.
        ...(shared ? { checkName: `${CHECK_NAME}/${tenant}`, comment: false } : {}),
      });
      results.push({ tenant, outcome });
    }
    const first = tenants[0];
    if (shared && first && results.every((r) => r.outcome.published)) {
      const provider = await this.deps.providers(first.tenant, first.git);
      await postComment(provider, first.git, event.number, results.map((r) => r.outcome));
    }
    return results;
  }
}
