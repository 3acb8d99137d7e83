import { GitsyncError, type Actor, type Diagnostic, type FileContent, type GitConnection, type GitProvider, type OutboxEntry, type SyncLogEntry } from "../core/index.js";
import type { SyncDeps } from "./deps.js";
import { buildCommitMessage, changeBody } from "./commit-message.js";
import { applyChange, planChange, wholeTree } from "./change-flow.js";
import { resourceLabel } from "./inbound.js";
import { diffTenantWithTree } from "./tenant-diff.js";

/**
 * Full resync, explicit in its direction: `to-git` rebuilds the branch from the tenant in one
 * direct commit; `from-git` rebuilds the tenant from the branch in one transaction (deletions
 * per the connection's policy). Either way the two sides agree afterwards and the outbox is
 * settled.
 */
export type ResyncDirection = "to-git" | "from-git";

export type ResyncOutcome =
  | { status: "done"; entry: SyncLogEntry }
  | { status: "invalid"; diagnostics: Diagnostic[]; entry: SyncLogEntry };

export class Resync {
  constructor(private readonly deps: SyncDeps) {}

  async run(tenant: string, direction: ResyncDirection, actor: Actor): Promise<ResyncOutcome> {
    const outcome = await this.#run(tenant, direction, actor);
    const { entry } = outcome;
    this.deps.log.info(
      { tenant, direction, status: entry.status, commit: entry.commitSha, resources: entry.resources.length, reason: entry.error },
      "resync",
    );
    return outcome;
  }

  async #run(tenant: string, direction: ResyncDirection, actor: Actor): Promise<ResyncOutcome> {
    const { store, catalog } = this.deps;
    const git = await store.getGitConnection(tenant);
    const provider = await this.deps.providers(tenant, git);
    const repo = { repository: git.repository };
    const head = await provider.resolveRef(repo, git.branch);
    if (head === null) throw new GitsyncError("not_found", `branch ${git.branch} does not exist in ${git.provider} repository ${git.repository}`);
    const files = await provider.readFiles(repo, head, git.path);
    const pending = await store.pendingOutbox(tenant);

    if (direction === "to-git") {
      const resources = await store.listResources(tenant);
      const diff = diffTenantWithTree({ catalog, git, resources, files });
      const sha =
        diff.changes.length === 0
          ? null
          : (
              await provider.commit({
                repository: git.repository,
                branch: git.branch,
                expectedHead: head,
                message: buildCommitMessage({ subject: `Resync ${tenant} from the app`, body: changeBody(diff.items), tenant, coAuthors: [] }),
                author: actor,
                committer: this.deps.committer,
                changes: diff.changes,
              })
            ).sha;
      const entry = await store.transaction(async (tx) => {
        await tx.markOutboxDone(pending.map((e) => e.id), sha);
        await tx.putSyncState(tenant, { lastAppliedSha: sha ?? head, ...(sha ? { lastCommittedSha: sha } : {}) });
        return tx.appendSyncLog(tenant, {
          direction: "OUTBOUND",
          status: sha ? "done" : "skipped",
          commitSha: sha ?? head,
          branch: git.branch,
          author: actor.name,
          files: diff.changes.map((c) => c.path),
          resources: diff.items.map(resourceLabel),
          error: sha ? null : "nothing to resync: the branch already holds the tenant",
        });
      });
      return { status: "done", entry };
    }

    return this.fromGit(tenant, actor, { git, provider, head, files, pending });
  }

  /** Rebuilds the tenant from the branch's whole tree in one transaction. */
  private async fromGit(
    tenant: string,
    actor: Actor,
    at: { git: GitConnection; provider: GitProvider; head: string; files: FileContent[]; pending: OutboxEntry[] },
  ): Promise<ResyncOutcome> {
    const { store } = this.deps;
    const { git, provider, head, files, pending } = at;
    // The same flow as a push, for the whole branch: the tenant ends up holding exactly it.
    // Git wins by request, so there are no conflicts: the app's unsynced changes are settled.
    const current = await store.listResources(tenant, undefined, { includeArchived: true });
    const planned = await planChange(this.deps, tenant, git, wholeTree(this.deps, git.path, files, current, true), { conflicts: false });
    if (planned.errors.length > 0) {
      const entry = await store.appendSyncLog(tenant, {
        direction: "INBOUND",
        status: "failed",
        commitSha: head,
        branch: git.branch,
        author: actor.name,
        error: `${planned.errors.length} validation error(s) in the branch; nothing applied`,
      });
      return { status: "invalid", diagnostics: planned.errors, entry };
    }
    const { logId } = await applyChange(this.deps, {
      tenant,
      git,
      provider,
      sha: head,
      actor,
      planned,
      log: async (tx) => {
        await tx.markOutboxDone(pending.map((e) => e.id), null);
        const entry = await tx.appendSyncLog(tenant, {
          direction: "INBOUND",
          status: "done",
          commitSha: head,
          branch: git.branch,
          author: actor.name,
          files: files.map((f) => f.path),
          resources: planned.plan.items.filter((i) => i.action !== "keep").map(resourceLabel),
        });
        return entry.id;
      },
    });
    const entry = await store.getSyncLog(tenant, logId);
    if (entry === null) throw new Error(`sync log entry ${logId} vanished`);
    return { status: "done", entry };
  }
}
