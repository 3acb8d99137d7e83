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

  async apply(input: InboundInput): Promise<InboundOutcome> {
    const { store } = this.deps;
    const git = await store.getGitConnection(input.tenant);
    const provider = await this.deps.providers(input.tenant, git);
    const repo: RepoRef = { repository: git.repository };
    const state = await store.getSyncState(input.tenant);
    const last = state.lastAppliedSha;

    if (last === input.after) return { status: "noop", reason: "commit already applied" };
    // A push older than what the tenant already reflects never rolls it back.
    if (last !== null && (await provider.isAncestor(repo, input.after, last))) {
      return { status: "noop", reason: `commit ${input.after} is older than the last applied ${last}` };
    }

    const { files, deletedPaths, touched } = await this.readChange(provider, repo, git, last, input);
    if (!touched) {
      await store.putSyncState(input.tenant, { lastAppliedSha: input.after });
      return { status: "noop", reason: "no config file under the path changed" };
    }

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
    const author = input.pusher?.name ?? "git";
    const changedPaths = [...files.map((f) => f.path), ...deletedPaths];

    if (result.diagnostics.some((d) => d.severity === "error")) {
      const entry = await store.appendSyncLog(input.tenant, {
        direction: "INBOUND",
        status: "failed",
        commitSha: input.after,
        branch: git.branch,
        author,
        files: changedPaths,
        error: `${result.diagnostics.filter((d) => d.severity === "error").length} validation error(s); nothing applied`,
      });
      this.deps.log.info(
        { tenant: input.tenant, commit: input.after, files: changedPaths.length, reason: entry.error },
        "inbound push refused",
      );
      await publishVerdict(provider, repo, input.after, {
        conclusion: "failure",
        title: "Configuration is invalid: nothing was applied",
        summary: "The push was not applied to the tenant. Fix the errors below and push again.",
        annotations: diagnosticsToAnnotations(result.diagnostics),
      });
      return { status: "failed", diagnostics: result.diagnostics, logId: entry.id };
    }

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
      { tenant: input.tenant, commit: input.after, counts: safePlan.counts, conflicts: conflicts.length },
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
