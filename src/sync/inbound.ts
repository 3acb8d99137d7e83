import type {
  Actor,
  ChangedFile,
  Diagnostic,
  GitConnection,
  GitProvider,
  PushEvent,
  RepoRef,
  Resource,
} from "../core/index.js";
import { locateFile, validateChange, type ConfigFile } from "../validation/index.js";
import type { SyncDeps } from "./deps.js";
import { diagnosticsToAnnotations, publishVerdict } from "./verdict.js";
import { computePlan, planChangesTenant, type Plan, type PlanItem } from "./plan.js";
import { renderPlanMarkdown } from "./plan-markdown.js";
import { applyPlan } from "./apply.js";
import { resolveConflicts } from "./conflicts.js";

/**
 * INBOUND: a push to the tracked branch becomes one transaction on the tenant, or nothing at
 * all with a failed check on the commit. Work per push is bounded by the files it changed.
 */

export type InboundOutcome =
  | { status: "applied"; plan: Plan; logId: number; conflicts: string[] }
  | { status: "noop"; reason: string }
  | { status: "failed"; diagnostics: Diagnostic[]; logId: number };

/** What a push would change, read and validated: what `apply` goes on with. */
export interface InboundChange {
  git: GitConnection;
  provider: GitProvider;
  repo: RepoRef;
  current: Resource[];
  result: ReturnType<typeof validateChange>;
  changedPaths: string[];
}

export type InboundCheck =
  | { verdict: "noop"; reason: string; /** The branch may be marked applied (nothing under the path changed). */ advance: boolean }
  | { verdict: "refused" | "accepted"; diagnostics: Diagnostic[]; change: InboundChange };

export interface InboundInput {
  tenant: string;
  /** The pushed head and the commit before it (the push's `before`). */
  after: string;
  pusher: Actor | null;
  /** Force-pushed: reconcile from the full tree. */
  forced?: boolean;
}

export class InboundSync {
  constructor(private readonly deps: SyncDeps) {}

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
    const provider = via ?? (await this.deps.providers(input.tenant, git));
    const repo: RepoRef = { repository: git.repository };
    const last = (await store.getSyncState(input.tenant)).lastAppliedSha;

    if (last === input.after) return { verdict: "noop", reason: "commit already applied", advance: false };
    // A push older than what the tenant already reflects never rolls it back.
    if (last !== null && (await provider.isAncestor(repo, input.after, last))) {
      return { verdict: "noop", reason: `commit ${input.after} is older than the last applied ${last}`, advance: false };
    }
    const { files, deletedPaths, touched } = await this.readChange(provider, repo, git, last, input);
    if (!touched) return { verdict: "noop", reason: "no config file under the path changed", advance: true };

    const current = await store.listResources(input.tenant, undefined, { includeArchived: true });
    const connections = (await store.listConnections(input.tenant)).map((c) => c.name);
    const result = validateChange({
      catalog: this.deps.catalog,
      basePath: git.path,
      changed: files,
      deleted: deletedPaths,
      current: current.filter((r) => !r.archived),
      connections,
    });
    const change = { git, provider, repo, current, result, changedPaths: [...files.map((f) => f.path), ...deletedPaths] };
    const refused = result.diagnostics.some((d) => d.severity === "error");
    return refused ? { verdict: "refused", diagnostics: result.diagnostics, change } : { verdict: "accepted", diagnostics: result.diagnostics, change };
  }

  async apply(input: InboundInput): Promise<InboundOutcome> {
    const checked = await this.check(input);
    if (checked.verdict === "noop") {
      if (checked.advance) await this.advance(input, checked.reason);
      return { status: "noop", reason: checked.reason };
    }
    if (checked.verdict === "refused") return this.refuse(input, checked.change, checked.diagnostics);
    return this.land(input, checked.change);
  }

  /**
   * The branch reached a commit with nothing to apply. After a refused push that is news (the
   * refused change was undone): an entry says so, so "last push refused" clears.
   */
  private async advance(input: InboundInput, reason: string): Promise<void> {
    const { store } = this.deps;
    await store.putSyncState(input.tenant, { lastAppliedSha: input.after });
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
    });
    await publishVerdict(provider, repo, input.after, {
      conclusion: "failure",
      title: "Configuration is invalid: nothing was applied",
      summary: "The push was not applied to the tenant. Fix the errors below and push again.",
      annotations: diagnosticsToAnnotations(diagnostics),
    });
    return { status: "failed", diagnostics, logId: entry.id };
  }

  private async land(input: InboundInput, change: InboundChange): Promise<InboundOutcome> {
    const { store } = this.deps;
    const { git, provider, repo, current, result, changedPaths } = change;
    const author = input.pusher?.name ?? "git";
    const plan = computePlan({
      current,
      incoming: result.resources,
      deleted: result.deleted,
      deletions: git.deletions,
    });
    // A resource changed both here and in the app since the last sync keeps the app's version
    // out of the plan; the app's version is preserved on a conflict branch instead.
    const { plan: safePlan, conflicts } = await resolveConflicts(this.deps, {
      tenant: input.tenant,
      git,
      provider,
      base: input.after,
      plan,
      current,
    });

    const actor: Actor = input.pusher ?? { name: "git", email: "git@gitsync.invalid" };
    const entry = await store.transaction(async (tx) => {
      await applyPlan(tx, input.tenant, safePlan, actor, { outbox: false });
      await tx.putSyncState(input.tenant, { lastAppliedSha: input.after });
      return tx.appendSyncLog(input.tenant, {
        direction: "INBOUND",
        status: conflicts.length > 0 ? "conflict" : "done",
        commitSha: input.after,
        branch: git.branch,
        author,
        files: changedPaths,
        resources: safePlan.items.filter((i) => i.action !== "keep").map(resourceLabel),
        error: conflicts.length > 0 ? `conflicts kept on ${conflicts.join(", ")}` : null,
      });
    });
    this.deps.log.info(
      { tenant: input.tenant, commit: input.after, counts: safePlan.counts },
      "inbound push applied",
    );
    await publishVerdict(provider, repo, input.after, {
      conclusion: "success",
      title: planChangesTenant(safePlan) ? "Applied to the tenant" : "Nothing to apply",
      summary: renderPlanMarkdown(safePlan),
      annotations: [],
    });
    return { status: "applied", plan: safePlan, logId: entry.id, conflicts };
  }

  /**
   * The files a push changed under the path. Fast-forwards read only the diff; a first sync
   * or a force-push reads the whole tree, and deletions come from the diff to the last applied
   * commit (the tenant's app-only resources are never deleted by a first sync).
   */
  private async readChange(
    provider: GitProvider,
    repo: RepoRef,
    git: GitConnection,
    last: string | null,
    input: InboundInput,
  ): Promise<{ files: ConfigFile[]; deletedPaths: string[]; touched: boolean }> {
    const isConfig = (path: string) => locateFile(this.deps.catalog, git.path, path) !== null;
    const fastForward = last !== null && !input.forced && (await provider.isAncestor(repo, last, input.after));
    const diff: ChangedFile[] = last === null ? [] : await provider.changedFiles(repo, last, input.after, git.path);
    const deletedPaths = diff
      .flatMap((c) => (c.status === "deleted" ? [c.path] : c.status === "renamed" && c.previousPath ? [c.previousPath] : []))
      .filter(isConfig);

    if (fastForward) {
      const wanted = diff.filter((c) => c.status !== "deleted").map((c) => c.path).filter(isConfig);
      if (wanted.length === 0 && deletedPaths.length === 0) return { files: [], deletedPaths, touched: false };
      const files = wanted.length === 0 ? [] : await provider.readFiles(repo, input.after, git.path, wanted);
      return { files, deletedPaths, touched: true };
    }
    const files = (await provider.readFiles(repo, input.after, git.path)).filter((f) => isConfig(f.path));
    return { files, deletedPaths, touched: files.length > 0 || deletedPaths.length > 0 };
  }
}

export function resourceLabel(item: Pick<PlanItem, "kind" | "name"> | Pick<Resource, "kind" | "name">): string {
  return `${item.kind}/${item.name}`;
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
