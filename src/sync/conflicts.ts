import type { FileChange, GitConnection, GitProvider, Resource } from "../core/index.js";
import { resourcePath, serializeResource } from "../catalog/serialize.js";
import type { SyncDeps } from "./deps.js";
import { countPlan, type Plan, type PlanItem } from "./plan.js";
import { isDeepStrictEqual } from "node:util";
import { buildCommitMessage, conflictBranchName } from "./commit-message.js";

/**
 * A resource changed in git and also changed in the app since the last sync is a conflict:
 * neither side is overwritten. The plan loses the item (the tenant keeps the app's version),
 * and the app's version goes to a `gitsync/conflict/<tenant>/<n>` branch with a pull request
 * so a person can choose. When both sides made the same change there is nothing to resolve.
 */
export async function resolveConflicts(
  deps: SyncDeps,
  input: { tenant: string; git: GitConnection; provider: GitProvider; base: string; plan: Plan; current: Resource[] },
): Promise<{ plan: Plan; conflicts: string[] }> {
  const pending = await deps.store.pendingOutbox(input.tenant);
  if (pending.length === 0) return { plan: input.plan, conflicts: [] };
  const pendingKeys = new Set(pending.map((e) => `${e.kind}/${e.name}`));
  const current = new Map(input.current.map((r) => [`${r.kind}/${r.name}`, r]));

  const kept: PlanItem[] = [];
  const clashes: { item: PlanItem; app: Resource | undefined }[] = [];
  for (const item of input.plan.items) {
    const key = `${item.kind}/${item.name}`;
    if (!pendingKeys.has(key) || item.action === "keep") {
      kept.push(item);
      continue;
    }
    const app = current.get(key);
    const appDeleted = !app || app.archived;
    const agree =
      item.action === "create" || item.action === "update"
        ? !appDeleted && isDeepStrictEqual(app.body, item.body)
        : appDeleted;
    // Both sides agree: nothing to apply and nothing to preserve.
    if (!agree) clashes.push({ item, app: appDeleted ? undefined : app });
  }
  if (clashes.length === 0) return { plan: { ...input.plan, items: kept, counts: countPlan(kept) }, conflicts: [] };

  const labels = clashes.map((c) => `${c.item.kind}/${c.item.name}`);
  const branch = await freeConflictBranch(input.provider, input.git, input.tenant);
  const changes: FileChange[] = clashes.map(({ item, app }) => {
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
  const pr = await input.provider.openPullRequest({
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
  // The app's versions now live on the conflict branch: committing them to the tracked branch
  // directly would overwrite git's change, so their outbox rows are settled here.
  await deps.store.markOutboxDone(
    pending.filter((e) => labels.includes(`${e.kind}/${e.name}`)).map((e) => e.id),
    commit.sha,
  );
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
  return { plan: { ...input.plan, items: kept, counts: countPlan(kept) }, conflicts: labels };
}

async function freeConflictBranch(provider: GitProvider, git: GitConnection, tenant: string): Promise<string> {
  for (let n = 1; n < 10_000; n += 1) {
    const name = conflictBranchName(tenant, n);
    if ((await provider.resolveRef({ repository: git.repository }, name)) === null) return name;
  }
  throw new Error(`no free conflict branch name for ${tenant}`);
}
