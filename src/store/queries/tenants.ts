import { ConflictError } from "../../core/errors.js";
import { DEFAULT_GIT_CONNECTION, TENANT_SLUG, type Tenant } from "../../core/types.js";
import * as rows from "../rows.js";
import { atomically, now, type StoreContext } from "./context.js";
import { badRequest, tenantNotFound } from "./failures.js";
import { insertGitConnection } from "./git-connections.js";
import { insertSyncState } from "./sync-state.js";

/** A new tenant comes with its default (local) git connection and an empty sync state. */
export async function createTenant(cx: StoreContext, input: { slug: string; name: string }): Promise<Tenant> {
  if (!TENANT_SLUG.test(input.slug)) throw badRequest("slug must match [a-z0-9][a-z0-9-]*", "slug");
  if (input.name.trim() === "") throw badRequest("name must not be empty", "name");
  return atomically(cx, async (tx) => {
    const at = now();
    const row = await tx.db
      .insertInto("tenants")
      .values({ slug: input.slug, name: input.name, created_at: at })
      .onConflict((oc) => oc.column("slug").doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new ConflictError(`tenant ${input.slug} already exists`, { slug: input.slug });
    await insertGitConnection(tx, input.slug, { ...DEFAULT_GIT_CONNECTION, repository: input.slug }, at);
    await insertSyncState(tx, input.slug, at);
    return rows.toTenant(row);
  });
}

export async function getTenant(cx: StoreContext, slug: string): Promise<Tenant | null> {
  const row = await cx.db.selectFrom("tenants").selectAll().where("slug", "=", slug).executeTakeFirst();
  return row ? rows.toTenant(row) : null;
}

export async function listTenants(cx: StoreContext): Promise<Tenant[]> {
  return (await cx.db.selectFrom("tenants").selectAll().orderBy("slug").execute()).map(rows.toTenant);
}

/** For writes into a tenant's rows: a missing tenant is a 404, not a foreign-key failure. */
export async function requireTenant(cx: StoreContext, slug: string): Promise<void> {
  const row = await cx.db.selectFrom("tenants").select("slug").where("slug", "=", slug).executeTakeFirst();
  if (!row) throw tenantNotFound(slug);
}
