import type { SyncState } from "../../core/store.js";
import * as rows from "../rows.js";
import { definedOnly } from "./columns.js";
import { now, type StoreContext } from "./context.js";
import { tenantNotFound } from "./failures.js";

/** Made with the tenant: what gitsync last applied from and wrote to its branch, nothing yet. */
export async function insertSyncState(cx: StoreContext, tenant: string, at: string): Promise<void> {
  await cx.db
    .insertInto("sync_state")
    .values({ tenant, last_applied_sha: null, last_committed_sha: null, updated_at: at })
    .execute();
}

export async function getSyncState(cx: StoreContext, tenant: string): Promise<SyncState> {
  const row = await cx.db.selectFrom("sync_state").selectAll().where("tenant", "=", tenant).executeTakeFirst();
  if (!row) throw tenantNotFound(tenant);
  return rows.toSyncState(row);
}

/** Sets only the fields given; the others keep their value. */
export async function putSyncState(cx: StoreContext, tenant: string, state: Partial<Omit<SyncState, "updatedAt">>): Promise<SyncState> {
  const set = {
    ...definedOnly({ last_applied_sha: state.lastAppliedSha, last_committed_sha: state.lastCommittedSha }),
    updated_at: now(),
  };
  const row = await cx.db.updateTable("sync_state").set(set).where("tenant", "=", tenant).returningAll().executeTakeFirst();
  if (!row) throw tenantNotFound(tenant);
  return rows.toSyncState(row);
}
