import { ConflictError } from "../../core/errors.js";
import { ROLES, type Role, type User } from "../../core/types.js";
import * as rows from "../rows.js";
import { now, type StoreContext } from "./context.js";
import { oneOf } from "./failures.js";

export async function createUser(cx: StoreContext, input: { name: string; email: string; role: Role }): Promise<User> {
  const role = oneOf(input.role, ROLES, "role");
  const row = await cx.db
    .insertInto("users")
    .values({ name: input.name, email: input.email, role, created_at: now() })
    .onConflict((oc) => oc.column("email").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new ConflictError(`a user with email ${input.email} already exists`, { email: input.email });
  return rows.toUser(row);
}

export async function listUsers(cx: StoreContext): Promise<User[]> {
  return (await cx.db.selectFrom("users").selectAll().orderBy("id").execute()).map(rows.toUser);
}
