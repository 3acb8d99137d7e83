import type { Referrer } from "../../core/store.js";
import type { JsonObject } from "../../core/types.js";
import type { StoreContext } from "./context.js";

/**
 * The reference index: one row per reference field of each live resource. Every resource
 * write replaces its rows in the same transaction, so "who names X" is one indexed query
 * whatever the tenant's size. Without an extractor (a store opened without a catalog) the
 * index is not kept; `rebuildReferences` fills it from the resources.
 */

interface From {
  tenant: string;
  kind: string;
  name: string;
}

/** Replaces `from`'s rows with the references of its new body (none when archived or deleted). */
export async function indexReferences(cx: StoreContext, from: From, body: JsonObject | null): Promise<void> {
  if (!cx.references) return;
  await cx.db
    .deleteFrom("resource_refs")
    .where((eb) => eb.and({ tenant: from.tenant, from_kind: from.kind, from_name: from.name }))
    .execute();
  if (body === null) return;
  const found = cx.references(from.kind, body);
  if (found.length === 0) return;
  await cx.db
    .insertInto("resource_refs")
    .values(
      found.map((r) => ({
        tenant: from.tenant,
        from_kind: from.kind,
        from_name: from.name,
        field: r.field,
        target_kind: r.target,
        target_name: r.name,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function listReferrers(
  cx: StoreContext,
  tenant: string,
  kind: string,
  name: string,
  options?: { limit?: number },
): Promise<Referrer[]> {
  let q = cx.db
    .selectFrom("resource_refs")
    .select(["from_kind", "from_name", "field"])
    .where((eb) => eb.and({ tenant, target_kind: kind, target_name: name }))
    .orderBy("from_kind")
    .orderBy("from_name")
    .orderBy("field");
  if (options?.limit !== undefined) q = q.limit(options.limit);
  return (await q.execute()).map((r) => ({ kind: r.from_kind, name: r.from_name, field: r.field }));
}

/** Every live resource's rows again, in one transaction; returns how many rows it wrote. */
export async function rebuildReferences(cx: StoreContext, tenant: string): Promise<number> {
  const extract = cx.references;
  if (!extract) return 0;
  await cx.db.deleteFrom("resource_refs").where("tenant", "=", tenant).execute();
  const live = await cx.db.selectFrom("resources").select(["kind", "name", "body"]).where("tenant", "=", tenant).where("archived", "=", 0).execute();
  const rows = live.flatMap((r) =>
    extract(r.kind, JSON.parse(r.body) as JsonObject).map((ref) => ({
      tenant,
      from_kind: r.kind,
      from_name: r.name,
      field: ref.field,
      target_kind: ref.target,
      target_name: ref.name,
    })),
  );
  // Bounded batches: PostgreSQL allows at most 65,535 bound parameters per statement.
  for (let i = 0; i < rows.length; i += 1000) {
    await cx.db.insertInto("resource_refs").values(rows.slice(i, i + 1000)).onConflict((oc) => oc.doNothing()).execute();
  }
  return rows.length;
}
