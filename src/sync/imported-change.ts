import type { Actor, GitConnection, GitProvider } from "../core/index.js";
import type { SyncDeps } from "./deps.js";
import { applyChange, type PlannedChange } from "./change-flow.js";
import { resourceLabel } from "./inbound.js";

export interface ImportedChange {
  tenant: string;
  git: GitConnection;
  provider: GitProvider;
  /** The commit the content was read at. */
  sha: string;
  actor: Actor;
  planned: PlannedChange;
  /** The ref it was read from, as the sync log names it. */
  branch: string;
  files: readonly string[];
  note?: string;
}

/**
 * Content read from git that enters the tenant as an app change (an import, a restore): applied
 * with its outbox rows and flush job, so it reaches the tenant's own branch like any edit, and
 * logged as an IMPORT. Resolves to the sync log entry's id.
 */
export async function applyImported(deps: SyncDeps, change: ImportedChange): Promise<number> {
  const { tenant, sha, actor, planned } = change;
  const { logId } = await applyChange(deps, {
    tenant,
    git: change.git,
    provider: change.provider,
    sha,
    outbox: true,
    actor,
    planned,
    log: async (tx) =>
      (
        await tx.appendSyncLog(tenant, {
          direction: "IMPORT",
          status: "done",
          commitSha: sha,
          branch: change.branch,
          author: actor.name,
          files: [...change.files],
          resources: planned.plan.items.map(resourceLabel),
          ...(change.note !== undefined ? { note: change.note } : {}),
        })
      ).id,
  });
  return logId;
}
