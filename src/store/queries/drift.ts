import type { TenantDrift } from "../../core/types.js";
import type { StoreContext } from "./context.js";

/** The drift each tenant's last reconcile (or drift request) found, one row per tenant. */

export async function putDrift(cx: StoreContext, tenant: string, drift: TenantDrift): Promise<void> {
  const values = { head: drift.head, last_applied_sha: drift.lastAppliedSha, items: JSON.stringify(drift.items), checked_at: drift.checkedAt };
  await cx.db
    .insertInto("tenant_drift")
    .values({ tenant, ...values })
    .onConflict((oc) => oc.column("tenant").doUpdateSet(values))
    .execute();
}

export async function getDrift(cx: StoreContext, tenant: string): Promise<TenantDrift | null> {
  const row = await cx.db.selectFrom("tenant_drift").selectAll().where("tenant", "=", tenant).executeTakeFirst();
  if (!row) return null;
  const items = JSON.parse(row.items) as TenantDrift["items"];
  return { head: row.head, lastAppliedSha: row.last_applied_sha, inSync: items.length === 0, items, checkedAt: row.checked_at };
}
