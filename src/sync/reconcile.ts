import type { TenantDrift } from "../core/index.js";
import type { SyncDeps, TenantLocks } from "./deps.js";
import { computeDrift } from "./drift.js";
import type { InboundOutcome, InboundSync } from "./inbound.js";

/**
 * RECONCILE: each tenant's tracked branch head is compared with the last commit it applied. A
 * difference (a webhook that never came, a push while gitsync was down, a provider that sends
 * none) is applied like a push, from the last applied commit, so only the difference is read;
 * the sync log notes it was reconciled. The drift found is recorded for the overview.
 */

export interface ReconcileOutcome {
  tenant: string;
  /** `in-step`: the head was applied already; `caught-up`: a difference was applied (or refused); `no-branch`: nothing to compare with. */
  status: "in-step" | "caught-up" | "no-branch" | "error";
  head: string | null;
  /** The apply's outcome when the head differed. */
  inbound: InboundOutcome | null;
  drift: TenantDrift | null;
  error?: string;
}

export class Reconciler {
  constructor(
    private readonly deps: SyncDeps,
    private readonly inbound: InboundSync,
    private readonly locks: TenantLocks,
  ) {}

  /** One tenant, under its lock so it never interleaves with the tenant's other work. */
  tenant(tenant: string): Promise<ReconcileOutcome> {
    return this.locks.run(tenant, () => this.run(tenant));
  }

  private async run(tenant: string): Promise<ReconcileOutcome> {
    const { store, log } = this.deps;
    const git = await store.getGitConnection(tenant);
    const provider = await this.deps.providers(tenant, git);
    const head = await provider.resolveRef({ repository: git.repository }, git.branch);
    const last = (await store.getSyncState(tenant)).lastAppliedSha;
    let inbound: InboundOutcome | null = null;
    if (head !== null && head !== last) {
      inbound = await this.inbound.apply({ tenant, after: head, pusher: null, reconciled: true });
      log.info({ tenant, commit: head, previous: last, status: inbound.status }, "reconciled");
    }
    const drift = await this.recordDrift(tenant, head, inbound !== null, () => computeDrift(this.deps, tenant, git, provider, head));
    return { tenant, status: head === null ? "no-branch" : inbound === null ? "in-step" : "caught-up", head, inbound, drift };
  }

  /**
   * Reading the whole tree on every round would cost a download per tenant per interval on a
   * hosted provider: an in-step tenant with no drift last time, no app change waiting and the
   * same head keeps its record.
   */
  private async recordDrift(tenant: string, head: string | null, applied: boolean, compute: () => Promise<TenantDrift>): Promise<TenantDrift> {
    const { store } = this.deps;
    const [previous, waiting] = await Promise.all([store.getDrift(tenant), store.pendingOutbox(tenant)]);
    if (previous?.inSync && previous.head === head && !applied && waiting.length === 0) return previous;
    const drift = await compute();
    await store.putDrift(tenant, drift);
    return drift;
  }
}
