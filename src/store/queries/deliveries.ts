import { now, type StoreContext } from "./context.js";

/** True the first time a provider's delivery id is seen; false for a redelivery. */
export async function recordDelivery(cx: StoreContext, provider: string, deliveryId: string): Promise<boolean> {
  const row = await cx.db
    .insertInto("webhook_deliveries")
    .values({ provider, delivery_id: deliveryId, received_at: now(), handled_at: null })
    .onConflict((oc) => oc.columns(["provider", "delivery_id"]).doNothing())
    .returning("delivery_id")
    .executeTakeFirst();
  return row !== undefined;
}

/** True once the delivery's work has committed: a redelivery then has nothing to do. */
export async function deliveryHandled(cx: StoreContext, provider: string, deliveryId: string): Promise<boolean> {
  const row = await cx.db
    .selectFrom("webhook_deliveries")
    .select("handled_at")
    .where("provider", "=", provider)
    .where("delivery_id", "=", deliveryId)
    .executeTakeFirst();
  return row !== undefined && row.handled_at !== null;
}

/** The delivery's work committed (the delivery is recorded too if it was not). */
export async function markDeliveryHandled(cx: StoreContext, provider: string, deliveryId: string): Promise<void> {
  const at = now();
  await cx.db
    .insertInto("webhook_deliveries")
    .values({ provider, delivery_id: deliveryId, received_at: at, handled_at: at })
    .onConflict((oc) => oc.columns(["provider", "delivery_id"]).doUpdateSet({ handled_at: at }))
    .execute();
}
