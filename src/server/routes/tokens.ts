import { randomBytes } from "node:crypto";
import * as api from "../../api/shapes.js";
import { GitsyncError } from "../../core/errors.js";
import type { Store } from "../../core/store.js";
import type { Role, User } from "../../core/types.js";
import type { Route } from "../router.js";

const RANKED: readonly Role[] = ["viewer", "editor", "admin"];

/** The token's role and reach from the request, or a 400 naming the field that makes it ambiguous. */
function reachOf(input: api.TokenInput): { role: Role; serverWide: boolean; tenants?: Record<string, Role> } {
  const fields = (field: string, message: string) => ({ fields: [{ field, message }] });
  if (input.admin === true) {
    if (input.role !== undefined && input.role !== "admin") {
      throw new GitsyncError("bad_request", "role must be admin (or left out) with admin: true", fields("role", "conflicts with admin: true"));
    }
    return { role: "admin", serverWide: true, ...(input.tenants ? { tenants: input.tenants } : {}) };
  }
  if (input.tenants !== undefined) {
    if (input.role !== undefined) {
      throw new GitsyncError("bad_request", "give role (every tenant) or tenants (a role per tenant), not both", fields("role", "conflicts with tenants"));
    }
    const top = Object.values(input.tenants).reduce<Role>((a, b) => (RANKED.indexOf(b) > RANKED.indexOf(a) ? b : a), "viewer");
    return { role: top, serverWide: false, tenants: input.tenants };
  }
  if (input.role === undefined) {
    throw new GitsyncError("bad_request", "a token needs role (every tenant), tenants (a role per tenant) or admin: true", fields("role", "is required without tenants or admin"));
  }
  return { role: input.role, serverWide: true };
}

/** A new token secret: 32 random bytes, prefixed so it is recognisable in a secret scanner. */
export function newTokenSecret(): string {
  return `gs_${randomBytes(32).toString("base64url")}`;
}

/** The person a new token acts for: an existing user by email, else a new one with the token's role. */
async function userFor(store: Store, wanted: api.TokenInput["user"], role: Role, caller: User): Promise<User> {
  if (!wanted) return caller;
  const existing = (await store.listUsers()).find((u) => u.email.toLowerCase() === wanted.email.toLowerCase());
  return existing ?? store.createUser({ name: wanted.name, email: wanted.email, role });
}

export const tokenRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tokens",
    access: "admin",
    handler: async (_request, { store }) => ({ status: 200, body: { items: await store.listTokens() } satisfies api.TokenList }),
  },
  {
    method: "POST",
    path: "/api/v1/tokens",
    access: "admin",
    handler: async ({ body, principal }, { store, schemas }) => {
      if (!principal) throw new GitsyncError("unauthorized", "a token is required");
      const input = schemas.check(api.TokenInput, body);
      const reach = reachOf(input);
      const user = await userFor(store, input.user, reach.role, principal.user);
      const secret = newTokenSecret();
      const token = await store.createToken({ userId: user.id, label: input.label, secret, ...reach });
      return { status: 201, body: { token, secret } satisfies api.TokenCreated };
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
