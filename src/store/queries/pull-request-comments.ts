import type { KeptComment } from "../../core/store.js";
import { now, type StoreContext } from "./context.js";

/** gitsync's comment on each pull request, kept by id per tenant. */

export async function getPullRequestComment(cx: StoreContext, tenant: string, pullRequest: number): Promise<KeptComment | null> {
  const row = await cx.db
    .selectFrom("pull_request_comments")
    .select("comment_id")
    .where((eb) => eb.and({ tenant, pull_request: pullRequest }))
    .executeTakeFirst();
  return row === undefined ? null : { commentId: row.comment_id };
}

export async function putPullRequestComment(cx: StoreContext, tenant: string, pullRequest: number, commentId: string | null): Promise<void> {
  const values = { comment_id: commentId, updated_at: now() };
  await cx.db
    .insertInto("pull_request_comments")
    .values({ tenant, pull_request: pullRequest, ...values })
    .onConflict((oc) => oc.columns(["tenant", "pull_request"]).doUpdateSet(values))
    .execute();
}

export async function deletePullRequestComment(cx: StoreContext, tenant: string, pullRequest: number): Promise<void> {
  await cx.db.deleteFrom("pull_request_comments").where((eb) => eb.and({ tenant, pull_request: pullRequest })).execute();
}
