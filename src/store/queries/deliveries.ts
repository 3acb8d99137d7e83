import { now, type StoreContext } from "./context.js";

/** True the first time a provider's delivery id is seen; false for a redelivery. */
export async function recordDelivery(cx: StoreContext, provider: string, deliveryId: string): Promise<boolean> {
  const row = await cx.db
    .insertInto("webhook_deliveries")
    .values({ provider, delivery_id: deliveryId, received_at: now() })
    .onConflict((oc) => oc.columns(["provider", "delivery_id"]).doNothing())
    .returning("delivery_id")
    .executeTakeFirst();
  return row !== undefined;
}
