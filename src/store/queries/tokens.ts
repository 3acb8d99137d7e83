import { createHash } from "node:crypto";
import { ConflictError, NotFoundError } from "../../core/errors.js";
import { ROLES, type ApiToken, type Role, type User } from "../../core/types.js";
import * as rows from "../rows.js";
import { atomically, now, type StoreContext } from "./context.js";
import { badRequest, oneOf } from "./failures.js";

/** Unsalted SHA-256 is enough here: tokens are high-entropy random secrets, not passwords. */
export const hashToken = (secret: string): string => createHash("sha256").update(secret, "utf8").digest("hex");

/** Stores only a hash of `secret`; the caller shows the secret once. */
export async function createToken(cx: StoreContext, input: { userId: number; label: string; role: Role; secret: string }): Promise<ApiToken> {
  const role = oneOf(input.role, ROLES, "role");
  if (input.secret === "") throw badRequest("token secret must not be empty", "secret");
  return atomically(cx, async (tx) => {
    const user = await tx.db.selectFrom("users").select("id").where("id", "=", input.userId).executeTakeFirst();
    if (!user) throw new NotFoundError(`user ${input.userId} not found`, { userId: input.userId });
    const row = await tx.db
      .insertInto("api_tokens")
      .values({ user_id: input.userId, label: input.label, role, token_hash: hashToken(input.secret), created_at: now(), last_used_at: null, revoked: 0 })
      .onConflict((oc) => oc.column("token_hash").doNothing())
      .returningAll()
      .executeTakeFirst();
    // Never say which token it collides with: that would confirm a guessed secret.
    if (!row) throw new ConflictError("this token secret is already in use");
    return rows.toApiToken(row);
  });
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
  return {
    token: rows.toApiToken({ ...found, last_used_at: lastUsed }),
    user: rows.toUser({ id: found.user_id, name: found.user_name, email: found.user_email, role: found.user_role }),
  };
}

export async function listTokens(cx: StoreContext): Promise<ApiToken[]> {
  return (await cx.db.selectFrom("api_tokens").selectAll().orderBy("id").execute()).map(rows.toApiToken);
}

export async function revokeToken(cx: StoreContext, id: number): Promise<void> {
  const result = await cx.db.updateTable("api_tokens").set({ revoked: 1 }).where("id", "=", id).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(`token ${id} not found`, { id });
}
