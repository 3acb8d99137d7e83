import { createHash } from "node:crypto";
import { ConflictError, NotFoundError } from "../../core/errors.js";
import type { CreateTokenInput } from "../../core/store.js";
import { ROLES, type ApiToken, type Role, type User } from "../../core/types.js";
import * as rows from "../rows.js";
import { atomically, now, type StoreContext } from "./context.js";
import { badRequest, oneOf } from "./failures.js";

/** Unsalted SHA-256 is enough here: tokens are high-entropy random secrets, not passwords. */
export const hashToken = (secret: string): string => createHash("sha256").update(secret, "utf8").digest("hex");

/** Stores only a hash of `secret`; the caller shows the secret once. */
export async function createToken(cx: StoreContext, input: CreateTokenInput): Promise<ApiToken> {
  const role = oneOf(input.role, ROLES, "role");
  if (input.secret === "") throw badRequest("token secret must not be empty", "secret");
  const grants = Object.entries(input.tenants ?? {}).map(([tenant, granted]) => [tenant, oneOf(granted, ROLES, `tenants.${tenant}`)] as const);
  return atomically(cx, async (tx) => {
    const user = await tx.db.selectFrom("users").select("id").where("id", "=", input.userId).executeTakeFirst();
    if (!user) throw new NotFoundError(`user ${input.userId} not found`, { userId: input.userId });
    await requireTenants(tx, grants.map(([tenant]) => tenant));
    const row = await tx.db
      .insertInto("api_tokens")
      .values({
        user_id: input.userId,
        label: input.label,
        role,
        token_hash: hashToken(input.secret),
        created_at: now(),
        last_used_at: null,
        revoked: 0,
        server_wide: (input.serverWide ?? input.tenants === undefined) ? 1 : 0,
      })
      .onConflict((oc) => oc.column("token_hash").doNothing())
      .returningAll()
      .executeTakeFirst();
    // Never say which token it collides with: that would confirm a guessed secret.
    if (!row) throw new ConflictError("this token secret is already in use");
    if (grants.length > 0) {
      await tx.db.insertInto("token_grants").values(grants.map(([tenant, granted]) => ({ token_id: row.id, tenant, role: granted }))).execute();
    }
    return rows.toApiToken(row, Object.fromEntries(grants));
  });
}

/** A grant names an existing tenant: a 400 naming the field otherwise, never a foreign-key failure. */
async function requireTenants(cx: StoreContext, slugs: string[]): Promise<void> {
  if (slugs.length === 0) return;
  const found = new Set((await cx.db.selectFrom("tenants").select("slug").where("slug", "in", slugs).execute()).map((r) => r.slug));
  const missing = slugs.find((slug) => !found.has(slug));
  if (missing !== undefined) throw badRequest(`tenants: no tenant ${missing}`, `tenants.${missing}`);
}

/** Each token's grants, by token id. */
async function grantsOf(cx: StoreContext, ids: number[]): Promise<Map<number, Record<string, Role>>> {
  const out = new Map<number, Record<string, Role>>();
  if (ids.length === 0) return out;
  const found = await cx.db.selectFrom("token_grants").selectAll().where("token_id", "in", ids).orderBy("tenant").execute();
  for (const grant of found) {
    const map = out.get(grant.token_id) ?? {};
    map[grant.tenant] = grant.role as Role;
    out.set(grant.token_id, map);
  }
  return out;
}

/** The token and its user for a presented secret, or null (unknown or revoked); records the use. */
export async function findToken(cx: StoreContext, secret: string): Promise<{ token: ApiToken; user: User } | null> {
  const found = await cx.db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .selectAll("api_tokens")
    .select(["users.name as user_name", "users.email as user_email", "users.role as user_role"])
    .where("api_tokens.token_hash", "=", hashToken(secret))
    .where("api_tokens.revoked", "=", 0)
    .executeTakeFirst();
  if (!found) return null;
  const lastUsed = now();
  await cx.db.updateTable("api_tokens").set({ last_used_at: lastUsed }).where("id", "=", found.id).execute();
  const grants = (await grantsOf(cx, [found.id])).get(found.id) ?? {};
  return {
    token: rows.toApiToken({ ...found, last_used_at: lastUsed }, grants),
    user: rows.toUser({ id: found.user_id, name: found.user_name, email: found.user_email, role: found.user_role }),
  };
}

export async function listTokens(cx: StoreContext): Promise<ApiToken[]> {
  const found = await cx.db.selectFrom("api_tokens").selectAll().orderBy("id").execute();
  const grants = await grantsOf(cx, found.map((row) => row.id));
  return found.map((row) => rows.toApiToken(row, grants.get(row.id) ?? {}));
}

export async function revokeToken(cx: StoreContext, id: number): Promise<void> {
  const result = await cx.db.updateTable("api_tokens").set({ revoked: 1 }).where("id", "=", id).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(`token ${id} not found`, { id });
}
