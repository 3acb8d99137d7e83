import { randomBytes } from "node:crypto";
import { GitsyncError } from "../../core/errors.js";
import type { Store } from "../../core/store.js";
import type { Role, User } from "../../core/types.js";
import type { Route } from "../router.js";

interface TokenInput {
  label: string;
  role: Role;
  user?: { name: string; email: string };
}

/** A new token secret: 32 random bytes, prefixed so it is recognisable in a secret scanner. */
export function newTokenSecret(): string {
  return `gs_${randomBytes(32).toString("base64url")}`;
}

/** The person a new token acts for: an existing user by email, else a new one with the token's role. */
async function userFor(store: Store, wanted: TokenInput["user"], role: Role, caller: User): Promise<User> {
  if (!wanted) return caller;
  const existing = (await store.listUsers()).find((u) => u.email.toLowerCase() === wanted.email.toLowerCase());
  return existing ?? store.createUser({ name: wanted.name, email: wanted.email, role });
}

export const tokenRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tokens",
    access: "admin",
    handler: async (_request, { store }) => ({ status: 200, body: { items: await store.listTokens() } }),
  },
  {
    method: "POST",
    path: "/api/v1/tokens",
    access: "admin",
    handler: async ({ body, principal }, { store, schemas }) => {
      if (!principal) throw new GitsyncError("unauthorized", "a token is required");
      const input = schemas.check<TokenInput>("TokenInput", body);
      const user = await userFor(store, input.user, input.role, principal.user);
      const secret = newTokenSecret();
      const token = await store.createToken({ userId: user.id, label: input.label, role: input.role, secret });
      return { status: 201, body: { token, secret } };
    },
  },
  {
    method: "DELETE",
    path: "/api/v1/tokens/{id}",
    access: "admin",
    handler: async ({ params }, { store }) => {
      const id = Number(params.id);
      if (!Number.isSafeInteger(id) || id < 1) throw new GitsyncError("not_found", "no such token", { id: params.id });
      await store.revokeToken(id);
      return { status: 204 };
    },
  },
];
