import { randomUUID } from "node:crypto";
import { JOB_KINDS, type GitConnection, type GitProvider, type ProviderEvent, type ProviderName, type PullRequestEvent, type PushEvent, type Store, type TenantDrift } from "../core/index.js";
import { TenantLocks, type SyncDeps } from "./deps.js";
import { ImportSync } from "./import.js";
import { TenantIntegrity } from "./integrity/index.js";
import { InboundSync, type InboundCheck, type InboundOutcome } from "./inbound.js";
import { OutboundSync } from "./outbound.js";
import { PullRequestCheck, type CheckOutcome } from "./pr-check.js";
import { postComment } from "./pr-comment.js";
import { Resync } from "./resync.js";
import { SnapshotSync } from "./snapshot.js";
import { CHECK_NAME } from "./verdict.js";
import { mapBounded, pushChangedPaths, splitTouched } from "./shared-push.js";
import { Reconciler, type ReconcileOutcome } from "./reconcile.js";
import { driftNow } from "./drift.js";
import { GitPoller } from "./git-poller.js";
import { ensureFirstCommit, type FirstCommitOutcome } from "./first-commit.js";
import { SyncJobs } from "./jobs.js";
import { flushRequest, queueFlush } from "./flush-job.js";

/**
 * The sync engine as one object per server: every sync flow, serialised per tenant.
 * Webhook receivers hand it provider-neutral events, which become durable jobs (see jobs.ts);
 * the API calls its flows.
 */
export class SyncService {
  readonly locks: TenantLocks;
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
  /** How many tenants of one shared repository's push apply at the same time. */
  pushConcurrency = 8;

  constructor(readonly deps: SyncDeps) {
    this.locks = new TenantLocks(deps.jobs);
    this.checks = new PullRequestCheck(deps);
    const opened = (tenant: string, pr: { number: number; headSha: string; base: string }) => this.checkOpened(tenant, pr);
    this.inbound = new InboundSync(deps, opened);
    this.outbound = new OutboundSync(deps, this.inbound);
    this.snapshots = new SnapshotSync(deps, this.locks, deps.jobs, opened);
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
   * before its first commit, the demo tenant of a first start); queues a flush for outbox rows
   * a previous version left without one; then starts taking jobs. Hosted repositories get their
   * branch on the first write.
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
    for (const tenant of await this.deps.store.outboxTenants()) await this.enqueueFlush(tenant, 0);
    await this.work();
    await this.poller.start();
  }

  /** Starts taking jobs (start() does it too, after its start-up work). */
  async work(): Promise<void> {
    await this.deps.jobs.start(new SyncJobs(this));
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

  /** Stops taking jobs; running ones finish first. Queued ones stay for the next start. */
  async stop(): Promise<void> {
    await this.poller.stop();
    await this.deps.jobs.stop();
  }

  /** Jobs queued or running, by kind (every kind listed, idle ones as 0). */
  async queueDepth(): Promise<Record<string, number>> {
    const depth = await this.deps.jobs.depth();
    return Object.fromEntries(JOB_KINDS.map((kind) => [kind, depth[kind] ?? 0]));
  }

  /** Waits until no fetch or job runs and no job not yet tried waits (tests, shutdown). */
  async idle(): Promise<void> {
    await this.poller.idle();
    await this.deps.jobs.idle();
  }

  /**
   * An app change was recorded in the outbox: commit it after the tenant's debounce. `flushQueued`:
   * the caller queued the flush in the change's own transaction (see queueFlush).
   */
  async changed(tenant: string, options: { flushQueued?: boolean } = {}): Promise<void> {
    await this.integrity.changed(tenant);
    if (options.flushQueued) return;
    const git = await this.deps.store.getGitConnection(tenant);
    if (git.outbound === "direct") await this.enqueueFlush(tenant, git.debounceMs);
  }

  /** Queues the flush inside the transaction that records the change (see flush-job.ts). */
  queueFlush(tenant: string, tx: Store): Promise<void> {
    return queueFlush(this.deps, tenant, tx);
  }

  private async enqueueFlush(tenant: string, delayMs: number): Promise<void> {
    await this.deps.jobs.enqueue(flushRequest(tenant, delayMs));
  }

  /** Tenants whose git connection points at this provider's repository. */
  async tenantsFor(provider: ProviderName, repository: string): Promise<{ tenant: string; git: GitConnection }[]> {
    return (await this.deps.store.findGitConnections(provider, repository)).map(({ tenant, connection }) => ({ tenant, git: connection }));
  }

  /**
   * A verified webhook event, before its sender gets the 202: the delivery and its job are
   * stored in one transaction. A redelivery of one whose work committed is dropped; of one that
   * failed or has not run yet, it is queued again (the work is idempotent per commit).
   * `delayMs` makes the job a safety net for work the caller runs itself (see the local hook).
   */
  async receive(event: ProviderEvent, options: { delayMs?: number } = {}): Promise<{ duplicate: boolean; job: string | null }> {
    const tenants = await this.tenantsFor(event.provider, event.repository);
    return this.deps.store.transaction(async (tx) => {
      await tx.recordDelivery(event.provider, event.deliveryId);
      if (await tx.deliveryHandled(event.provider, event.deliveryId)) {
        this.deps.log.info({ provider: event.provider, delivery: event.deliveryId }, "webhook redelivery ignored");
        return { duplicate: true, job: null };
      }
      const only = tenants.length === 1 ? tenants[0]!.tenant : null;
      const job = await this.deps.jobs.enqueue(
        { kind: "webhook", tenant: only, lane: laneOf(event, only), payload: { event: { ...event } }, ...(options.delayMs ? { delayMs: options.delayMs } : {}) },
        tx,
      );
      return { duplicate: false, job };
    });
  }

  /** The webhook job: the event's work, then the delivery recorded as handled. */
  async processDelivery(event: ProviderEvent): Promise<{ tenant: string; outcome: InboundOutcome | CheckOutcome }[]> {
    if (await this.deps.store.deliveryHandled(event.provider, event.deliveryId)) return [];
    const results = event.kind === "push" ? await this.handlePush(event) : await this.handlePullRequest(event);
    if (results.length === 0) {
      this.deps.log.info({ provider: event.provider, delivery: event.deliveryId, repository: event.repository }, "no tenant tracks this event");
    }
    if (event.provider === "local" && event.kind === "push") await this.updateLocalPulls(event);
    await this.deps.store.markDeliveryHandled(event.provider, event.deliveryId);
    return results;
  }

  /** Runs a verified event now, in the caller's time (the local hook that waits, tests). */
  handleEvent(event: ProviderEvent): Promise<{ tenant: string; outcome: InboundOutcome | CheckOutcome }[]> {
    return this.processDelivery(event);
  }

  /** A push to the head branch of an open local pull request updates it, as a forge would. */
  private async updateLocalPulls(event: PushEvent): Promise<void> {
    const { store } = this.deps;
    for (const pull of await store.listLocalPulls(event.repository, "open")) {
      if (pull.head !== event.branch || pull.headSha === event.after) continue;
      await store.updateLocalPull(event.repository, pull.number, { headSha: event.after });
      await this.handlePullRequest({
        kind: "pull_request",
        provider: "local",
        deliveryId: randomUUID(),
        repository: event.repository,
        action: "updated",
        number: pull.number,
        head: pull.head,
        headSha: event.after,
        base: pull.base,
        baseSha: null,
      });
    }
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
    // Closed or merged, it gets no more checks: the comment's id is not needed any more.
    if (event.action === "closed" || event.action === "merged") for (const { tenant } of tenants) await this.deps.store.deletePullRequestComment(tenant, event.number);
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
        opened: event.action === "opened",
        // Several tenants in one repository: one check each, named after the tenant, and one
        // comment with a section each.
        ...(shared ? { checkName: `${CHECK_NAME}/${tenant}`, comment: false } : {}),
      });
      results.push({ tenant, outcome });
    }
    const first = tenants[0];
    if (shared && first && results.every((r) => r.outcome.published)) {
      const provider = await this.deps.providers(first.tenant, first.git);
      await postComment(this.deps.store, first.tenant, provider, first.git, { number: event.number, opened: event.action === "opened" }, results.map((r) => r.outcome));
    }
    return results;
  }
}

/**
 * A push runs in its tenant's lane, ordered with the tenant's other work (several tenants
 * sharing the repository: the repository's lane). A pull request's check only reads the tenant
 * and writes the check, so it waits for nothing but an earlier check of the same head: a newer
 * head's check never waits behind an older one, which then finds itself superseded.
 */
function laneOf(event: ProviderEvent, tenant: string | null): string {
  if (event.kind === "pull_request") return `check:${event.provider}:${event.repository}:${event.number}:${event.headSha}`;
  return tenant ?? `repository:${event.provider}:${event.repository}`;
}
