import type { CheckedPlan } from "../../core/store.js";
import { now, type StoreContext } from "./context.js";

/** The plan each pull request's latest check showed, per tenant. */

export async function putCheckedPlan(cx: StoreContext, tenant: string, plan: Omit<CheckedPlan, "updatedAt">): Promise<CheckedPlan> {
  const at = now();
  const values = { head_sha: plan.headSha, fingerprint: plan.fingerprint, items: JSON.stringify(plan.items), updated_at: at };
  await cx.db
    .insertInto("checked_plans")
    .values({ tenant, pull_request: plan.pullRequest, ...values })
    .onConflict((oc) => oc.columns(["tenant", "pull_request"]).doUpdateSet(values))
    .execute();
  return { ...plan, updatedAt: at };
}

export async function listCheckedPlans(cx: StoreContext, tenant: string): Promise<CheckedPlan[]> {
  const found = await cx.db.selectFrom("checked_plans").selectAll().where("tenant", "=", tenant).orderBy("pull_request").execute();
  return found.map((r) => ({
    pullRequest: r.pull_request,
    headSha: r.head_sha,
    fingerprint: r.fingerprint,
    items: JSON.parse(r.items) as string[],
    updatedAt: r.updated_at,
  }));
}

export async function deleteCheckedPlan(cx: StoreContext, tenant: string, pullRequest: number): Promise<void> {
  await cx.db.deleteFrom("checked_plans").where((eb) => eb.and({ tenant, pull_request: pullRequest })).execute();
}
