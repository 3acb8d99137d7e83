import type { Actor, Diagnostic, GitConnection, GitProvider, PushEvent, RepoRef, Resource } from "../core/index.js";
import type { SyncDeps } from "./deps.js";
import { diagnosticsToAnnotations, publishVerdict } from "./verdict.js";
import { planChangesTenant, type Plan, type PlanItem } from "./plan.js";
import { renderPlanMarkdown } from "./plan-markdown.js";
import { conflictLabel } from "./conflicts.js";
import {
  applyChange,
  changeIsEmpty,
  planChange,
  readDiff,
  readListed,
  readReconcile,
  touchesConfig,
  type ConfigChange,
  type PlannedChange,
} from "./change-flow.js";
import { findMergedCheck } from "./checked-plans.js";
import { compareWithCheck } from "./plan-fingerprint.js";

/**
 * INBOUND: a push to the tracked branch becomes one transaction on the tenant, or nothing at
 * all with a failed check on the commit. Work per push is bounded by the files it changed.
 */

export type InboundOutcome =
  | { status: "applied"; plan: Plan; logId: number; conflicts: string[] }
  | { status: "noop"; reason: string }
  | { status: "failed"; diagnostics: Diagnostic[]; logId: number };

/** What a push would change, read, validated and planned: what `apply` goes on with. */
export interface InboundChange {
  git: GitConnection;
  provider: GitProvider;
  repo: RepoRef;
  planned: PlannedChange;
  changedPaths: string[];
  /** A reset or rewritten branch, said in the sync log. */
  note: string | null;
  last: string | null;
}

export type InboundCheck =
  | { verdict: "noop"; reason: string; /** The branch may be marked applied (nothing under the path changed). */ advance: boolean; note: string | null }
  | { verdict: "refused" | "accepted"; diagnostics: Diagnostic[]; change: InboundChange };

export interface InboundInput {
  tenant: string;
  /** The pushed head and the commit before it (the push's `before`). */
  after: string;
  pusher: Actor | null;
  /** Force-pushed: reconcile from the full tree. */
  forced?: boolean;
  /** The push's `before`: with `changed`, what lets the tenant skip its own compare. */
  before?: string;
  /**
   * Every path the push changed in the repository (renames' old paths included), read once for
   * all the tenants sharing it. Used only when the tenant last applied `before` and the push was
   * not forced; otherwise the tenant reads its own change.
   */
  changed?: readonly string[] | null;
  /** Found by the reconcile (no webhook told of it): the sync log says so. */
  reconciled?: boolean;
}

/** Told about each pull request the engine opens itself, so it gets a check like any other. */
export type PullRequestOpened = (tenant: string, pr: { number: number; headSha: string; base: string }) => Promise<void>;

export class InboundSync {
  constructor(
    private readonly deps: SyncDeps,
    private readonly opened?: PullRequestOpened,
  ) {}

  /** True when a push event concerns this tenant's tracked branch. */
  static tracks(connection: GitConnection, event: PushEvent): boolean {
    return (
      connection.provider === event.provider &&
      connection.branch === event.branch &&
      sameRepository(connection.repository, event.repository)
    );
  }

  /**
   * The verdict inbound reaches on a commit, with no side effect: what the local pre-receive
   * check asks before a push lands (with a provider that sees the pushed objects), and the
   * first half of `apply`, so both reach the same verdict.
   */
  async check(input: InboundInput, via?: GitProvider): Promise<InboundCheck> {
    const { store } = this.deps;
    const git = await store.getGitConnection(input.tenant);
    const last = (await store.getSyncState(input.tenant)).lastAppliedSha;
    const reconciled = input.reconciled === true ? reconciledNote(input.after) : null;

    if (last === input.after) return { verdict: "noop", reason: "commit already applied", advance: false, note: null };
    const listed = listedChange(input, last);
    // A shared repository's push that touched other tenants' paths only: no request at all.
    if (listed !== null && !touchesConfig(this.deps, git, listed)) {
      return { verdict: "noop", reason: "no config file under the path changed", advance: true, note: reconciled };
    }
    const provider = via ?? (await this.deps.providers(input.tenant, git));
    const repo: RepoRef = { repository: git.repository };
    const pushed = await this.readPush(provider, repo, git, last, input, listed);
    if (pushed.kind === "stale") return { verdict: "noop", reason: pushed.reason, advance: false, note: null };
    const note = joinNotes(reconciled, pushed.note);
    if (changeIsEmpty(pushed.read)) return { verdict: "noop", reason: "no config file under the path changed", advance: true, note };

    const planned = await planChange(this.deps, input.tenant, git, pushed.read);
    const changedPaths = [...pushed.read.files.map((f) => f.path), ...pushed.read.deletedPaths];
    const change: InboundChange = { git, provider, repo, planned, changedPaths, note, last };
    return { verdict: planned.errors.length > 0 ? "refused" : "accepted", diagnostics: planned.diagnostics, change };
  }

  /** The push's config changes: from the paths read once for the repository, or the tenant's own reads. */
  private async readPush(
    provider: GitProvider,
    repo: RepoRef,
    git: GitConnection,
    last: string | null,
    input: InboundInput,
    listed: readonly string[] | null,
  ): Promise<{ kind: "stale"; reason: string } | { kind: "read"; read: ConfigChange; note: string | null }> {
    if (listed !== null) return { kind: "read", read: await readListed(this.deps, provider, git, input.after, listed), note: null };
    const history = await this.followHistory(provider, repo, git, last, input);
    if (history.kind === "stale") return history;
    const read = history.kind === "fast-forward"
      ? await readDiff(this.deps, provider, git, last as string, input.after)
      : await readReconcile(this.deps, provider, git, last, input.after);
    return { kind: "read", read, note: history.note };
  }

  async apply(input: InboundInput): Promise<InboundOutcome> {
    const checked = await this.check(input);
    if (checked.verdict === "noop") {
      if (checked.advance) await this.advance(input, checked.reason, checked.note);
      return { status: "noop", reason: checked.reason };
    }
    if (checked.verdict === "refused") return this.refuse(input, checked.change, checked.diagnostics);
    return this.applyPlanned(input, checked.change);
  }

  /**
   * The branch reached a commit with nothing to apply. A reset says so in the log; after a
   * refused push it is news too (the refused change was undone), so "last push refused" clears.
   */
  private async advance(input: InboundInput, reason: string, note: string | null): Promise<void> {
    const { store } = this.deps;
    const git = await store.getGitConnection(input.tenant);
    await store.putSyncState(input.tenant, { lastAppliedSha: input.after });
    if (note) return this.logReset(input, git, note);
    const [last] = await store.listSyncLog(input.tenant, { limit: 1, direction: "INBOUND" });
    if (last?.status !== "failed") return;
    await store.appendSyncLog(input.tenant, {
      direction: "INBOUND",
      status: "skipped",
      commitSha: input.after,
      branch: last.branch,
      author: input.pusher?.name ?? "git",
      error: `nothing to apply: ${reason}`,
    });
  }

  private async refuse(input: InboundInput, change: InboundChange, diagnostics: Diagnostic[]): Promise<InboundOutcome> {
    const { git, provider, repo, changedPaths } = change;
    const entry = await this.deps.store.appendSyncLog(input.tenant, {
      direction: "INBOUND",
      status: "failed",
      commitSha: input.after,
      branch: git.branch,
      author: input.pusher?.name ?? "git",
      files: changedPaths,
      error: failureSummary(diagnostics),
      diagnostics,
      note: change.note,
    });
    this.deps.log.info({ tenant: input.tenant, commit: input.after, files: changedPaths.length, reason: entry.error }, "inbound push refused");
    await publishVerdict(provider, repo, input.after, {
      ref: git.branch,
      conclusion: "failure",
      title: "Configuration is invalid: nothing was applied",
      summary: "The push was not applied to the tenant. Fix the errors below and push again.",
      annotations: diagnosticsToAnnotations(diagnostics),
    });
    return { status: "failed", diagnostics, logId: entry.id };
  }

  private async applyPlanned(input: InboundInput, change: InboundChange): Promise<InboundOutcome> {
    const { store } = this.deps;
    const { git, provider, repo, planned } = change;
    const context = { author: input.pusher?.name ?? "git", changedPaths: change.changedPaths, note: change.note, last: change.last };
    const conflicts = planned.conflicts.map(conflictLabel);
    const checked = await findMergedCheck(store, provider, repo, input.tenant, { last: context.last, after: input.after });
    const note = [context.note, checked ? compareWithCheck(checked, planned.digest) : null].filter((n) => n !== null).join(". ");
    const actor: Actor = input.pusher ?? { name: "git", email: "git@gitsync.invalid" };
    const { logId, conflictPull } = await applyChange(this.deps, {
      tenant: input.tenant,
      git,
      provider,
      sha: input.after,
      actor,
      planned,
      log: async (tx) => {
        if (checked) await tx.deleteCheckedPlan(input.tenant, checked.pullRequest);
        const entry = await tx.appendSyncLog(input.tenant, {
          direction: "INBOUND",
          status: conflicts.length > 0 ? "conflict" : "done",
          commitSha: input.after,
          branch: git.branch,
          author: context.author,
          files: context.changedPaths,
          resources: planned.plan.items.filter((i) => i.action !== "keep").map(resourceLabel),
          error: conflicts.length > 0 ? `conflicts kept on ${conflicts.join(", ")}` : null,
          note: note === "" ? null : note,
        });
        return entry.id;
      },
    });
    this.deps.log.info({ tenant: input.tenant, commit: input.after, counts: planned.plan.counts, conflicts: conflicts.length }, "inbound push applied");
    await publishVerdict(provider, repo, input.after, {
      ref: git.branch,
      conclusion: "success",
      title: planChangesTenant(planned.plan) ? "Applied to the tenant" : "Nothing to apply",
      summary: renderPlanMarkdown(planned.plan),
      annotations: [],
    });
    if (conflictPull) await this.opened?.(input.tenant, { ...conflictPull, base: git.branch });
    return { status: "applied", plan: planned.plan, logId, conflicts };
  }

  /**
   * "Never roll back" is for late or repeated deliveries of the same history: a push older
   * than the last applied commit is ignored unless the branch now points at it, which means
   * someone reset the branch on purpose; the tenant then follows it. A forced push or a reset
   * is reconciled from the whole tree.
   */
  private async followHistory(
    provider: GitProvider,
    repo: RepoRef,
    git: GitConnection,
    last: string | null,
    input: InboundInput,
  ): Promise<{ kind: "stale"; reason: string } | { kind: "fast-forward" | "reconcile"; note: string | null }> {
    if (last === null) return { kind: "reconcile", note: null };
    const short = (sha: string) => sha.slice(0, 12);
    if (await provider.isAncestor(repo, input.after, last)) {
      const head = await provider.resolveRef(repo, git.branch);
      if (head !== input.after) {
        return { kind: "stale", reason: `commit ${input.after} is older than the last applied ${last} and is not the branch's head` };
      }
      return { kind: "reconcile", note: `branch ${git.branch} was reset from ${short(last)} back to ${short(input.after)}: the tenant follows it` };
    }
    const descends = await provider.isAncestor(repo, last, input.after);
    if (descends && !input.forced) return { kind: "fast-forward", note: null };
    // A forced push that still descends from the last applied commit rewrote nothing it saw.
    if (descends) return { kind: "reconcile", note: null };
    return { kind: "reconcile", note: `branch ${git.branch} was rewritten (force-push from ${short(last)} to ${short(input.after)}): reconciled from its whole tree` };
  }

  /** A reset that changed no config file is still worth a line in the log. */
  private async logReset(input: InboundInput, git: GitConnection, note: string): Promise<void> {
    await this.deps.store.appendSyncLog(input.tenant, {
      direction: "INBOUND",
      status: "done",
      commitSha: input.after,
      branch: git.branch,
      author: input.pusher?.name ?? "git",
      note,
    });
  }
}

export function resourceLabel(item: Pick<PlanItem, "kind" | "name"> | Pick<Resource, "kind" | "name">): string {
  return `${item.kind}/${item.name}`;
}

/** The push's pre-read paths when they describe exactly this tenant's next step. */
function listedChange(input: InboundInput, last: string | null): readonly string[] | null {
  if (input.changed === undefined || input.changed === null || input.forced === true) return null;
  return last !== null && input.before === last ? input.changed : null;
}

/** What the sync log says of a change the reconcile found rather than a webhook. */
export function reconciledNote(head: string): string {
  return `reconciled: the branch's head ${head.slice(0, 12)} had not been applied (a missed webhook, or a push while gitsync was down)`;
}

function joinNotes(...notes: (string | null)[]): string | null {
  const present = notes.filter((n): n is string => n !== null && n !== "");
  return present.length === 0 ? null : present.join(". ");
}

function sameRepository(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The sync log's line for a refused push: the count, and the first error where and why (a
 * message never holds a field's value), so the log alone says what to fix.
 */
export function failureSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error");
  const first = errors[0];
  const where = first ? `; first: ${first.file}:${first.line}:${first.column}: ${first.code}: ${first.message}` : "";
  return `${errors.length} validation error(s); nothing applied${where}`;
}
