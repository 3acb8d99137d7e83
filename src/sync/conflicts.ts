import type { FileChange, GitConnection, GitProvider, OutboxEntry, Resource } from "../core/index.js";
import { resourcePath, serializeResource } from "../catalog/serialize.js";
import type { SyncDeps } from "./deps.js";
import { countPlan, type Plan, type PlanItem } from "./plan.js";
import { isDeepStrictEqual } from "node:util";
import { buildCommitMessage, conflictBranchName } from "./commit-message.js";
import { requestReview } from "./review-request.js";

/**
 * A resource changed in git and also changed in the app since the last sync is a conflict:
 * neither side is overwritten. Planning finds them without side effects (so a PR check can
 * name them): the plan loses the item and the tenant keeps the app's version. Applying then
 * preserves the app's version on a `gitsync/conflict/<tenant>/<n>` branch with a pull request
 * so a person can choose. When both sides made the same change there is nothing to resolve.
 */

export interface Conflict {
  item: PlanItem;
  /** The app's version; undefined when the app deleted or archived it. */
  app: Resource | undefined;
  /** The outbox rows holding the app's change. */
  outboxIds: number[];
}

export function conflictLabel(conflict: Conflict): string {
  return `${conflict.item.kind}/${conflict.item.name}`;
}

/** Pure: the plan without the conflicting items, and the conflicts. */
export function findConflicts(plan: Plan, current: Resource[], pending: readonly OutboxEntry[]): { plan: Plan; conflicts: Conflict[] } {
  if (pending.length === 0) return { plan, conflicts: [] };
  const rows = new Map<string, number[]>();
  for (const e of pending) rows.set(`${e.kind}/${e.name}`, [...(rows.get(`${e.kind}/${e.name}`) ?? []), e.id]);
  const byKey = new Map(current.map((r) => [`${r.kind}/${r.name}`, r]));

  const kept: PlanItem[] = [];
  const conflicts: Conflict[] = [];
  for (const item of plan.items) {
    const key = `${item.kind}/${item.name}`;
    const outboxIds = rows.get(key);
    if (!outboxIds || item.action === "keep") {
      kept.push(item);
      continue;
    }
    const app = byKey.get(key);
    const appDeleted = !app || app.archived;
    const agree =
      item.action === "create" || item.action === "update" ? !appDeleted && isDeepStrictEqual(app.body, item.body) : appDeleted;
    // Both sides agree: nothing to apply and nothing to preserve.
    if (!agree) conflicts.push({ item, app: appDeleted ? undefined : app, outboxIds });
  }
  if (conflicts.length === 0 && kept.length === plan.items.length) return { plan, conflicts };
  return { plan: { ...plan, items: kept, counts: countPlan(kept) }, conflicts };
}

/**
 * Side effects of conflicts, run after the apply's transaction committed: the app's versions
 * go to a conflict branch (from `base`, the applied commit) with a pull request, their outbox
 * rows are settled (committing them to the tracked branch would overwrite git's change), and
 * the sync log says so. Returns the conflict branch's head, for its check.
 */
export async function preserveConflicts(
  deps: SyncDeps,
  input: { tenant: string; git: GitConnection; provider: GitProvider; base: string; conflicts: Conflict[] },
): Promise<{ branch: string; sha: string; pullRequest: number | null } | null> {
  if (input.conflicts.length === 0) return null;
  const labels = input.conflicts.map(conflictLabel);
  const branch = await freeConflictBranch(input.provider, input.git, input.tenant);
  const changes: FileChange[] = input.conflicts.map(({ item, app }) => {
    const kind = deps.catalog.byId(item.kind);
    if (!kind) throw new Error(`unknown kind ${item.kind}`);
    const path = resourcePath(input.git.path, kind.folder, item.name, input.git.format);
    return app
      ? { action: "upsert", path, content: serializeResource(deps.catalog, item.kind, app.body, input.git.format) }
      : { action: "delete", path };
  });
  const repo = { repository: input.git.repository };
  await input.provider.createBranch(repo, branch, input.base);
  const commit = await input.provider.commit({
    repository: input.git.repository,
    branch,
    expectedHead: input.base,
    message: buildCommitMessage({
      subject: `Keep the app's version of ${labels.length} conflicting resource(s)`,
      body: `These resources changed in git and in the app since the last sync:\n\n${labels.map((l) => `- ${l}`).join("\n")}`,
      tenant: input.tenant,
      coAuthors: [],
    }),
    author: deps.committer,
    committer: deps.committer,
    changes,
  });
  const pr = await requestReview(input.provider, {
    repository: input.git.repository,
    head: branch,
    base: input.git.branch,
    title: `gitsync: conflict in ${input.tenant} (${labels.length} resource(s))`,
    body: [
      "The same resources were changed in git and in the app before they were synced. Neither side was overwritten:",
      "the tenant kept the app's version, and this pull request holds it. Merge it to make the app's version win,",
      "or close it and edit the resources to settle the difference.",
      "",
      ...labels.map((l) => `- \`${l}\``),
    ].join("\n"),
  });
  await deps.store.markOutboxDone(input.conflicts.flatMap((c) => c.outboxIds), commit.sha);
  await deps.store.appendSyncLog(input.tenant, {
    direction: "OUTBOUND",
    status: "conflict",
    commitSha: commit.sha,
    branch,
    prUrl: pr.url,
    author: deps.committer.name,
    resources: labels,
    error: `changed in git and in the app: ${labels.join(", ")}; the app's version is on ${branch}`,
  });
  deps.log.warn({ tenant: input.tenant, branch, resources: labels }, "sync conflict: app version kept on a branch");
  return { branch, sha: commit.sha ?? input.base, pullRequest: pr.number };
}

async function freeConflictBranch(provider: GitProvider, git: GitConnection, tenant: string): Promise<string> {
  for (let n = 1; n < 10_000; n += 1) {
    const name = conflictBranchName(tenant, n);
    if ((await provider.resolveRef({ repository: git.repository }, name)) === null) return name;
  }
  throw new Error(`no free conflict branch name for ${tenant}`);
}
