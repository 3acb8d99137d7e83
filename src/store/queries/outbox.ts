import type { Actor, OutboxEntry, OutboxOperation } from "../../core/types.js";
import * as rows from "../rows.js";
import { now, type StoreContext } from "./context.js";

/** Written by a resource write in its own transaction, so a change is never lost or invented. */
export async function addOutbox(
  cx: StoreContext,
  entry: { tenant: string; kind: string; name: string; operation: OutboxOperation; version: number; actor: Actor },
): Promise<void> {
  const { actor, ...change } = entry;
  await cx.db
    .insertInto("outbox")
    .values({ ...change, actor_name: actor.name, actor_email: actor.email, created_at: now(), done_at: null, commit_sha: null })
    .execute();
}

/** Rows not yet committed, oldest first. */
export async function pendingOutbox(cx: StoreContext, tenant: string): Promise<OutboxEntry[]> {
  const found = await cx.db
    .selectFrom("outbox")
    .selectAll()
    .where("tenant", "=", tenant)
    .where("done_at", "is", null)
    .orderBy("id")
    .execute();
  return found.map(rows.toOutboxEntry);
}

export async function markOutboxDone(cx: StoreContext, ids: number[], commitSha: string | null): Promise<void> {
  if (ids.length === 0) return;
  await cx.db.updateTable("outbox").set({ done_at: now(), commit_sha: commitSha }).where("id", "in", ids).execute();
}

/** The tenants with work for the outbound worker. */
export async function outboxTenants(cx: StoreContext): Promise<string[]> {
  const found = await cx.db.selectFrom("outbox").select("tenant").distinct().where("done_at", "is", null).orderBy("tenant").execute();
  return found.map((r) => r.tenant);
}
