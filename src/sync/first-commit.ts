import type { FileChange } from "../core/index.js";
import { buildCommitMessage } from "./commit-message.js";
import type { SyncDeps } from "./deps.js";
import { diffTenantWithTree } from "./tenant-diff.js";

export type FirstCommitOutcome = { status: "committed"; sha: string } | { status: "exists"; sha: string };

/**
 * A repository usable at once: when the tenant's tracked branch does not exist yet (a new
 * tenant, an empty repository), it is created by one root commit of the whole exportable
 * tenant, or of a README when the tenant is empty, so a clone right after has something to
 * check out. Call it under the tenant's lock. The outbox rows it covers are settled, and the
 * sync state records the commit, so neither an outbound flush nor the commit coming back as a
 * push does anything more.
 */
export async function ensureFirstCommit(deps: SyncDeps, tenant: string): Promise<FirstCommitOutcome> {
  const { store, catalog } = deps;
  const git = await store.getGitConnection(tenant);
  const provider = await deps.providers(tenant, git);
  const head = await provider.resolveRef({ repository: git.repository }, git.branch);
  if (head !== null) return { status: "exists", sha: head };

  const pending = await store.pendingOutbox(tenant);
  const resources = await store.listResources(tenant);
  const { changes } = diffTenantWithTree({ catalog, git, resources, files: [] });
  const files: FileChange[] = changes.length > 0 ? changes : [{ action: "upsert", path: readmePath(git.path), content: readme(tenant) }];
  const { sha } = await provider.commit({
    repository: git.repository,
    branch: git.branch,
    expectedHead: "",
    message: buildCommitMessage({ subject: `Start the configuration of ${tenant}`, tenant, coAuthors: [] }),
    author: deps.committer,
    committer: deps.committer,
    changes: files,
  });
  // A root commit of at least one file always makes a commit; null would be a provider bug.
  if (sha === null) throw new Error(`the first commit of ${tenant} made no commit`);
  await store.transaction(async (tx) => {
    await tx.markOutboxDone(
      pending.map((e) => e.id),
      sha,
    );
    await tx.putSyncState(tenant, { lastAppliedSha: sha, lastCommittedSha: sha });
    await tx.appendSyncLog(tenant, {
      direction: "OUTBOUND",
      status: "done",
      commitSha: sha,
      branch: git.branch,
      author: deps.committer.name,
      files: files.map((c) => c.path),
      resources: resources.filter((r) => !r.archived && catalog.byId(r.kind)?.exported).map((r) => `${r.kind}/${r.name}`),
    });
  });
  deps.log.info({ tenant, commit: sha, files: files.length }, "first commit: the tracked branch is created");
  return { status: "committed", sha };
}

function readmePath(path: string): string {
  const base = path.replace(/^\/+|\/+$/g, "");
  return base === "" ? "README.md" : `${base}/README.md`;
}

function readme(tenant: string): string {
  return [
    `# ${tenant}`,
    "",
    `The configuration of the gitsync tenant \`${tenant}\`. Each resource is a file`,
    "`<folder>/<name>.yaml` or `.json` (models/, syncs/, jobs/, file-definitions/, cluster-definitions/,",
    "python-environments/). Changes pushed to this branch are applied to the tenant; changes",
    "made in the app are committed here. Files outside those folders, like this one, are ignored.",
    "",
  ].join("\n");
}
