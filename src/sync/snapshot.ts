import type { Actor, FileContent, JobQueue, GitConnection, GitProvider, RepoRef, SyncLogEntry } from "../core/index.js";
import type { SyncDeps, TenantLocks } from "./deps.js";
import type { PullRequestOpened } from "./inbound.js";
import { buildCommitMessage, changeBody, snapshotBranchName } from "./commit-message.js";
import { countByProject, diffTenantWithTree, type ProjectPending, type TenantDiff, type TenantDiffItem } from "./tenant-diff.js";
import { compareProjects } from "./plan.js";
import { requestReview } from "./review-request.js";

/**
 * SNAPSHOT ("Sync changes"): the whole exportable tenant as one commit on a new branch
 * `<tenant>/<yyyy.mm.dd>.<n>` from the tracked branch's head, and a pull request for an admin
 * to review. Nothing to sync → no branch. The sync log entry is the snapshot's status.
 */
export class SnapshotSync {
  private readonly treeCache = new Map<string, { key: string; files: FileContent[] }>();

  constructor(
    private readonly deps: SyncDeps,
    private readonly locks: TenantLocks,
    private readonly jobs: JobQueue,
    private readonly opened?: PullRequestOpened,
  ) {}

  /**
   * Queues a snapshot and returns its log entry at once; `get` reads its progress. The entry
   * and the job are stored in one transaction: a queued snapshot always runs.
   */
  async start(tenant: string, actor: Actor): Promise<SyncLogEntry> {
    return this.deps.store.transaction(async (tx) => {
      const entry = await tx.appendSyncLog(tenant, { direction: "SNAPSHOT", status: "queued", author: actor.name });
      await this.jobs.enqueue({ kind: "snapshot", tenant, lane: tenant, payload: { logId: entry.id, actor: { ...actor } } }, tx);
      return entry;
    });
  }

  /** The snapshot job: runs it and logs its outcome (failures are the job's to retry or record). */
  async runJob(tenant: string, logId: number, actor: Actor): Promise<void> {
    const done = await this.locks.run(tenant, () => this.run(tenant, logId, actor));
    this.deps.log.info({ tenant, snapshot: done.id, status: done.status, branch: done.branch, commit: done.commitSha, pr: done.prUrl }, "snapshot");
  }

  /** Pending changes per project: what a snapshot would commit now. */
  async pending(tenant: string): Promise<ProjectPending[]> {
    const { git, provider, repo } = await this.connect(tenant);
    const head = await provider.resolveRef(repo, git.branch);
    return countByProject((await this.diff(tenant, git, provider, repo, head, { cached: true })).items);
  }

  async run(tenant: string, logId: number, actor: Actor): Promise<SyncLogEntry> {
    const { store } = this.deps;
    await store.updateSyncLog(logId, { status: "syncing" });
    const { git, provider, repo } = await this.connect(tenant);
    const head = await provider.resolveRef(repo, git.branch);
    if (head === null) throw new Error(`branch ${git.branch} does not exist in ${git.provider} repository ${git.repository}`);
    const diff = await this.diff(tenant, git, provider, repo, head);
    if (diff.changes.length === 0) {
      return store.updateSyncLog(logId, { status: "skipped", error: "nothing to sync: the branch already holds the tenant" });
    }

    const date = this.deps.now();
    const branch = await this.freeBranch(provider, repo, tenant, date);
    await provider.createBranch(repo, branch, head);
    const day = branch.slice(tenant.length + 1);
    const pending = await store.pendingOutbox(tenant);
    const { sha } = await provider.commit({
      repository: git.repository,
      branch,
      expectedHead: head,
      message: buildCommitMessage({ subject: `Snapshot of ${tenant} (${day})`, body: changeBody(diff.items), tenant, coAuthors: [] }),
      author: actor,
      committer: this.deps.committer,
      changes: diff.changes,
    });
    const pr = await requestReview(provider, {
      repository: git.repository,
      head: branch,
      base: git.branch,
      title: `${tenant}: configuration snapshot ${day}`,
      body: snapshotSummary(tenant, diff.items),
    });
    const entry = await store.transaction(async (tx) => {
      // The rows are in the pull request now; the merge brings them back as an inbound push.
      await tx.markOutboxDone(pending.map((e) => e.id), sha);
      return tx.updateSyncLog(logId, {
        status: "done",
        commitSha: sha,
        branch,
        prUrl: pr.url,
        files: diff.changes.map((c) => c.path),
        resources: diff.items.map((i) => `${i.kind}/${i.name}`),
      });
    });
    if (sha && pr.number !== null) await this.opened?.(tenant, { number: pr.number, headSha: sha, base: git.branch });
    return entry;
  }

  private async connect(tenant: string): Promise<{ git: GitConnection; provider: GitProvider; repo: RepoRef }> {
    const git = await this.deps.store.getGitConnection(tenant);
    const provider = await this.deps.providers(tenant, git);
    return { git, provider, repo: { repository: git.repository } };
  }

  private async diff(
    tenant: string,
    git: GitConnection,
    provider: GitProvider,
    repo: RepoRef,
    head: string | null,
    options: { cached?: boolean } = {},
  ): Promise<TenantDiff> {
    const files =
      head === null
        ? []
        : options.cached
          ? await this.filesAt(tenant, git, provider, repo, head)
          : await provider.readFiles(repo, head, git.path);
    const resources = await this.deps.store.listResources(tenant);
    return diffTenantWithTree({ catalog: this.deps.catalog, git, resources, files });
  }

  /**
   * The branch's files at a head, for pending changes: pages ask on every view, and reading a
   * hosted repository is a download, so the last head's files are kept per tenant (a commit's
   * files never change; a new head or another path reads again). Snapshots read afresh.
   */
  private async filesAt(tenant: string, git: GitConnection, provider: GitProvider, repo: RepoRef, head: string): Promise<FileContent[]> {
    const key = `${git.provider}:${git.repository}:${git.path}:${head}`;
    const cached = this.treeCache.get(tenant);
    if (cached?.key === key) return cached.files;
    const files = await provider.readFiles(repo, head, git.path);
    this.treeCache.set(tenant, { key, files });
    return files;
  }

  private async freeBranch(provider: GitProvider, repo: RepoRef, tenant: string, date: Date): Promise<string> {
    for (let n = 1; n < 10_000; n += 1) {
      const name = snapshotBranchName(tenant, date, n);
      if ((await provider.resolveRef(repo, name)) === null) return name;
    }
    throw new Error(`no free snapshot branch name for ${tenant} today`);
  }
}

/** The pull request body: counts, then the resources grouped by project. */
export function snapshotSummary(tenant: string, items: readonly TenantDiffItem[]): string {
  const counts = countByProject(items);
  const total = (k: "created" | "updated" | "deleted") => counts.reduce((n, c) => n + c[k], 0);
  const lines = [
    `Snapshot of tenant \`${tenant}\`: ${total("created")} created, ${total("updated")} updated, ${total("deleted")} deleted.`,
    "",
    "Merging this pull request applies it to the tenant as an inbound push.",
    "",
  ];
  const groups = [...new Set(items.map((i) => i.project))].sort(compareProjects);
  for (const project of groups) {
    lines.push(`### ${project === null ? "No project" : `Project \`${project}\``}`, "");
    for (const item of items.filter((i) => i.project === project)) {
      lines.push(`- ${item.action === "create" ? "created" : item.action === "update" ? "updated" : "deleted"}: ${item.kind} \`${item.name}\``);
    }
    lines.push("");
  }
  return lines.join("\n");
}
