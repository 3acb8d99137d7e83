import { BranchMovedError, sameContent, textOf, type Actor, type FileChange, type GitConnection, type GitProvider, type OutboxEntry, type RepoRef } from "../core/index.js";
import { resourcePath, writeResource } from "../catalog/serialize.js";
import type { SyncDeps } from "./deps.js";
import type { InboundSync } from "./inbound.js";
import { buildCommitMessage, changeBody, changeSubject, distinctActors, type CommittedChange } from "./commit-message.js";

/**
 * OUTBOUND (direct mode): API writes leave rows in the outbox in the same transaction; after
 * the debounce window the worker turns a tenant's rows into ONE commit holding only real
 * differences. Rows are settled only after the commit exists, and a retried flush finds no
 * difference for what was already committed, so a crash in between commits nothing twice.
 * The window and the retries after a failure are the outbound job's (see jobs.ts).
 */

export type OutboundOutcome =
  | { status: "committed"; sha: string; logId: number }
  | { status: "noop"; reason: string };

const MAX_ATTEMPTS = 3;

export class OutboundSync {
  constructor(
    private readonly deps: SyncDeps,
    private readonly inbound: InboundSync,
  ) {}

  /** Commits the tenant's unsettled rows now. Call it under the tenant's lock. */
  async flush(tenant: string): Promise<OutboundOutcome> {
    const { store } = this.deps;
    const git = await store.getGitConnection(tenant);
    // In pull-request mode app changes wait for "Sync changes" (a snapshot), not a direct commit.
    if (git.outbound !== "direct") return { status: "noop", reason: "outbound mode is pull-request" };
    const provider = await this.deps.providers(tenant, git);
    const repo: RepoRef = { repository: git.repository };

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      let entries = await store.pendingOutbox(tenant);
      if (entries.length === 0) return { status: "noop", reason: "nothing to commit" };
      // A branch that does not exist yet (a new local repository) gets a root commit: the
      // port reads an empty expected head as "must not exist".
      const head = (await provider.resolveRef(repo, git.branch)) ?? "";

      // The branch moved since the last sync: take git's changes in first (conflicts are
      // detected there), then commit on top of the new head.
      const state = await store.getSyncState(tenant);
      if (head !== "" && state.lastAppliedSha !== head) {
        const outcome = await this.inbound.apply({ tenant, after: head, pusher: null });
        if (outcome.status === "failed") throw new Error(`the branch head ${head} is invalid; fix it in git first`);
        entries = await store.pendingOutbox(tenant);
        if (entries.length === 0) return { status: "noop", reason: "nothing to commit" };
      }

      const { changes, resources } = await this.changesFor(tenant, git, provider, repo, head, entries);
      const ids = entries.map((e) => e.id);
      const labels = resources.map((r) => `${r.kind}/${r.name}`);
      if (changes.length === 0) {
        await store.markOutboxDone(ids, null);
        return { status: "noop", reason: "the branch already holds every change" };
      }
      const actors = distinctActors(entries.map((e) => e.actor));
      const [author, ...coAuthors] = actors as [Actor, ...Actor[]];
      try {
        const { sha } = await provider.commit({
          repository: git.repository,
          branch: git.branch,
          expectedHead: head,
          message: buildCommitMessage({
            subject: changeSubject(resources),
            body: changeBody(resources),
            tenant,
            coAuthors,
          }),
          author,
          committer: this.deps.committer,
          changes,
        });
        if (sha === null) {
          await store.markOutboxDone(ids, null);
          return { status: "noop", reason: "the branch already holds every change" };
        }
        const entry = await store.transaction(async (tx) => {
          await tx.markOutboxDone(ids, sha);
          await tx.putSyncState(tenant, { lastAppliedSha: sha, lastCommittedSha: sha });
          return tx.appendSyncLog(tenant, {
            direction: "OUTBOUND",
            status: "done",
            commitSha: sha,
            branch: git.branch,
            author: actors.map((a) => a.name).join(", "),
            files: changes.map((c) => c.path),
            resources: labels,
          });
        });
        this.deps.log.info({ tenant, commit: sha, resources: labels.length }, "outbound commit");
        // Write → commit: the oldest change in the batch waited longest.
        const oldest = Math.min(...entries.map((e) => Date.parse(e.createdAt)));
        if (Number.isFinite(oldest)) this.deps.metrics?.outboundLatency(Math.max(0, Date.now() - oldest) / 1000);
        return { status: "committed", sha, logId: entry.id };
      } catch (error) {
        if (error instanceof BranchMovedError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
    throw new Error("unreachable");
  }

  /** The file changes that bring the branch to the tenant's state for the outbox's resources. */
  private async changesFor(
    tenant: string,
    git: GitConnection,
    provider: GitProvider,
    repo: RepoRef,
    head: string,
    entries: OutboxEntry[],
  ): Promise<{ changes: FileChange[]; resources: CommittedChange[] }> {
    const { catalog, store } = this.deps;
    const targets = new Map<string, { kind: string; name: string }>();
    for (const e of entries) targets.set(`${e.kind}/${e.name}`, { kind: e.kind, name: e.name });

    // A resource may sit in git as .yaml, .yml or .json: look for all of them at once.
    const candidates = new Map<string, string[]>();
    for (const [label, t] of targets) {
      const kind = catalog.byId(t.kind);
      if (!kind?.exported) continue;
      const yaml = resourcePath(git.path, kind.folder, t.name, "yaml");
      candidates.set(label, [yaml, `${yaml.slice(0, -".yaml".length)}.yml`, resourcePath(git.path, kind.folder, t.name, "json")]);
    }
    const existing = new Map(
      head === ""
        ? []
        : (await provider.readFiles(repo, head, git.path, [...candidates.values()].flat())).map((f) => [f.path, f.content]),
    );

    const changes: FileChange[] = [];
    const resources: CommittedChange[] = [];
    for (const [label, paths] of candidates) {
      const t = targets.get(label)!;
      const kind = catalog.byId(t.kind)!;
      const resource = await store.getResource(tenant, t.kind, t.name);
      const present = paths.filter((p) => existing.has(p));
      if (!resource || resource.archived) {
        for (const path of present) changes.push({ action: "delete", path });
        if (present.length > 0) resources.push({ action: "delete", kind: t.kind, name: t.name });
        continue;
      }
      const path = resourcePath(git.path, kind.folder, t.name, git.format);
      const before = existing.get(path);
      // The file in git is edited in place: a person's comments and layout survive the commit.
      const content = writeResource(catalog, t.kind, resource.body, git.format, before === undefined ? undefined : textOf(before));
      let changed = before === undefined || !sameContent(before, content);
      if (changed) changes.push({ action: "upsert", path, content });
      for (const other of present) {
        if (other === path) continue;
        changes.push({ action: "delete", path: other });
        changed = true;
      }
      // A file moved to the connection's format is an update: the resource was in git already.
      if (changed) resources.push({ action: present.length > 0 ? "update" : "create", kind: t.kind, name: t.name });
    }
    return { changes, resources };
  }
}
