import type { GitConnection, GitProvider, ProviderEvent, ProviderName, PullRequestEvent, PushEvent, TenantDrift } from "../core/index.js";
import { TenantLocks, type SyncDeps } from "./deps.js";
import { ImportSync } from "./import.js";
import { TenantIntegrity } from "./integrity/index.js";
import { InboundSync, type InboundCheck, type InboundOutcome } from "./inbound.js";
import { OutboundSync } from "./outbound.js";
import { postComment, PullRequestCheck, type CheckOutcome } from "./pr-check.js";
import { Resync } from "./resync.js";
import { SnapshotSync } from "./snapshot.js";
import { CHECK_NAME } from "./verdict.js";
import { mapBounded, pushChangedPaths, splitTouched } from "./shared-push.js";
import { Reconciler, type ReconcileOutcome } from "./reconcile.js";
import { driftNow } from "./drift.js";
import { GitPoller } from "./git-poller.js";
import { ensureFirstCommit, type FirstCommitOutcome } from "./first-commit.js";

/**
 * The sync engine as one object per server: every sync flow, serialised per tenant.
 * Webhook receivers hand it provider-neutral events; the API calls its flows.
 */
export class SyncService {
  readonly locks = new TenantLocks();
  readonly inbound: InboundSync;
  readonly outbound: OutboundSync;
  readonly snapshots: SnapshotSync;
  readonly imports: ImportSync;
  readonly resync: Resync;
  readonly checks: PullRequestCheck;
  readonly integrity: TenantIntegrity;
  readonly reconciler: Reconciler;
  /** Inbound for plain git servers: polls and webhook-triggered fetches. */
  readonly poller: GitPoller;
  private readonly background = new Set<Promise<unknown>>();
  /** How many tenants of one shared repository's push apply at the same time. */
  pushConcurrency = 8;

  constructor(readonly deps: SyncDeps) {
    this.checks = new PullRequestCheck(deps);
    const opened = (tenant: string, pr: { number: number; headSha: string; base: string }) => this.checkOpened(tenant, pr);
    this.inbound = new InboundSync(deps, opened);
    this.outbound = new OutboundSync(deps, this.inbound, this.locks);
    this.snapshots = new SnapshotSync(deps, this.locks, opened);
    this.imports = new ImportSync(deps);
    this.resync = new Resync(deps);
    this.integrity = new TenantIntegrity(deps);
    this.reconciler = new Reconciler(deps, this.inbound, this.locks);
    this.poller = new GitPoller(this);
  }

  /**
   * A pull request gitsync opened itself (a snapshot, a conflict) gets its check like any
   * other. GitHub, GitLab and Bitbucket send their pull request webhook for it (an app's own
   * pull requests included), which runs the check; the local provider has no forge to send
   * one, so it is checked here.
   */
  private async checkOpened(tenant: string, pr: { number: number; headSha: string; base: string }): Promise<void> {
    const git = await this.deps.store.getGitConnection(tenant);
    if (git.provider !== "local") return;
    try {
      await this.checks.evaluate(tenant, { number: pr.number, headSha: pr.headSha, base: pr.base, baseSha: null });
    } catch (error) {
      this.deps.log.warn({ tenant, pullRequest: pr.number, err: error instanceof Error ? error.message : String(error) }, "check of an opened pull request failed");
    }
  }

  /**
   * Checks every tenant once (an earlier version may have left one invalid); gives every tenant
   * on the embedded local provider its branch (a tenant made by a previous run that stopped
   * before its first commit, the demo tenant of a first start); then picks up outbox rows left
   * by a previous run. Hosted repositories get their branch on the first write.
   */
  async start(): Promise<void> {
    try {
      await this.integrity.checkAll();
    } catch (error) {
      this.deps.log.error({ err: error instanceof Error ? error.message : String(error) }, "start-up integrity check failed");
    }
    for (const { slug } of await this.deps.store.listTenants()) {
      const git = await this.deps.store.getGitConnection(slug);
      if (git.provider === "local") await this.initialise(slug).catch(() => undefined);
    }
    await this.outbound.recover();
    await this.poller.start();
  }

  /**
   * Creates the tenant's tracked branch with a first commit when it does not exist yet; a
   * failure is logged and left in the sync log, and the next write retries it.
   */
  async initialise(tenant: string): Promise<FirstCommitOutcome> {
    try {
      return await this.locks.run(tenant, () => ensureFirstCommit(this.deps, tenant));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.error({ tenant, err: message }, "first commit failed");
      await this.deps.store.appendSyncLog(tenant, { direction: "OUTBOUND", status: "failed", error: message }).catch(() => undefined);
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.poller.stop();
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
    this.track(this.integrity.changed(tenant));
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

  /**
   * A push, for every tenant tracking its branch. Several tenants sharing the repository: the
   * push's changed paths are read once and each tenant's apply is handed them; the tenants run
   * in parallel (at most `pushConcurrency` at a time), those the push touched before the others.
   * `only`: one tenant's push (a poll of its own mirror), even when others share the repository.
   */
  async handlePush(event: PushEvent, only?: string): Promise<{ tenant: string; outcome: InboundOutcome }[]> {
    const received = performance.now();
    const tenants = (await this.tenantsFor(event.provider, event.repository)).filter(
      (t) => InboundSync.tracks(t.git, event) && (only === undefined || t.tenant === only),
    );
    const changed = tenants.length > 1 ? await pushChangedPaths(this.deps, event, tenants) : null;
    const outcomes = new Map<string, InboundOutcome>();
    const run = async ({ tenant }: { tenant: string }) => {
      outcomes.set(tenant, await this.applyPushForTenant(tenant, event, changed, received));
    };
    const [touched, others] = splitTouched(this.deps, tenants, changed);
    // A touched tenant's failure (thrown after all of them ran) still lets the others advance.
    const failed = await mapBounded(touched, this.pushConcurrency, run).then(() => null, (error: unknown) => ({ error }));
    await mapBounded(others, this.pushConcurrency, run);
    if (failed !== null) throw failed.error;
    return tenants.map(({ tenant }) => ({ tenant, outcome: outcomes.get(tenant) as InboundOutcome }));
  }

  /**
   * One tenant's part of a push, under its lock: what a job runs per tenant. `changed` is the
   * push's changed paths when already read for the whole repository (null: the tenant reads).
   */
  async applyPushForTenant(tenant: string, event: PushEvent, changed: readonly string[] | null, received = performance.now()): Promise<InboundOutcome> {
    const outcome = await this.locks.run(tenant, () =>
      this.inbound.apply({ tenant, after: event.after, before: event.before, pusher: event.pusher, forced: event.forced, changed }),
    );
    if (outcome.status === "applied") this.deps.metrics?.inboundLatency((performance.now() - received) / 1000);
    else if (outcome.status === "noop") this.deps.log.info({ tenant, commit: event.after, reason: outcome.reason }, "inbound push skipped");
    if (outcome.status === "applied") await this.integrity.changed(tenant);
    return outcome;
  }

  /**
   * Compares each tenant's (or one tenant's) branch head with its last applied commit and applies
   * a difference like a push; records each tenant's drift. One tenant's failure (a provider
   * down) is logged and does not stop the others.
   */
  async reconcile(tenant?: string): Promise<ReconcileOutcome[]> {
    const slugs = tenant !== undefined ? [tenant] : (await this.deps.store.listTenants()).map((t) => t.slug);
    return mapBounded(slugs, this.pushConcurrency, async (slug) => {
      try {
        const outcome = await this.reconciler.tenant(slug);
        if (outcome.inbound?.status === "applied") await this.integrity.changed(slug);
        return outcome;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.deps.log.warn({ tenant: slug, err: message }, "reconcile failed");
        return { tenant: slug, status: "error" as const, head: null, inbound: null, drift: null, error: message };
      }
    });
  }

  /** What differs between the tenant and its branch now (read afresh and recorded). */
  drift(tenant: string): Promise<TenantDrift> {
    return driftNow(this.deps, tenant);
  }

  /**
   * The verdict inbound would reach on a push not yet accepted (the local pre-receive check),
   * for each tenant tracking the branch; `via` is a provider that sees the pushed objects.
   */
  async checkPush(event: PushEvent, via: GitProvider): Promise<{ tenant: string; check: InboundCheck }[]> {
    const tenants = (await this.tenantsFor(event.provider, event.repository)).filter((t) => InboundSync.tracks(t.git, event));
    const results: { tenant: string; check: InboundCheck }[] = [];
    for (const { tenant } of tenants) {
      const input = { tenant, after: event.after, pusher: event.pusher, forced: event.forced };
      results.push({ tenant, check: await this.locks.run(tenant, () => this.inbound.check(input, via)) });
    }
    return results;
  }

  async handlePullRequest(event: PullRequestEvent): Promise<{ tenant: string; outcome: CheckOutcome }[]> {
    const tenants = (await this.tenantsFor(event.provider, event.repository)).filter((t) => t.git.branch === event.base);
    // A closed pull request will not be merged: its checked plan has nothing left to compare.
    if (event.action === "closed") for (const { tenant } of tenants) await this.deps.store.deleteCheckedPlan(tenant, event.number);
    if (!["opened", "updated", "reopened", "rerequested"].includes(event.action)) return [];
    const shared = tenants.length > 1;
    const results: { tenant: string; outcome: CheckOutcome }[] = [];
    for (const { tenant } of tenants) {
      const outcome = await this.checks.evaluate(tenant, {
        number: event.number,
        headSha: event.headSha,
        head: event.head,
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
