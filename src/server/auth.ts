import type { IncomingMessage } from "node:http";
import { GitsyncError } from "../core/errors.js";
import type { Store } from "../core/store.js";
import type { Actor, ApiToken, Role, User } from "../core/types.js";

/** Who is calling: the token presented, its user, and the role they act with. */
export interface Principal {
  token: ApiToken;
  user: User;
  role: Role;
}

/** Who may call a route: anyone (`public`), or at least this role. */
export type Access = "public" | Role;

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** A token never acts above its user, nor the user above the token. */
function effectiveRole(token: ApiToken, user: User): Role {
  return RANK[token.role] <= RANK[user.role] ? token.role : user.role;
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== "string") return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** 401 without a known token, 403 when its role is below `access`. */
export async function authorize(store: Store, req: IncomingMessage, access: Access): Promise<Principal | null> {
  if (access === "public") return null;
  const secret = bearer(req);
  if (secret === null) {
    throw new GitsyncError("unauthorized", "missing bearer token (Authorization: Bearer <token>)");
  }
  const found = await store.findToken(secret);
  if (!found || found.token.revoked) throw new GitsyncError("unauthorized", "unknown or revoked token");
  const role = effectiveRole(found.token, found.user);
  if (RANK[role] < RANK[access]) {
    throw new GitsyncError("forbidden", `this needs the ${access} role; the token has ${role}`, {
      required: access,
      role,
    });
  }
  return { token: found.token, user: found.user, role };
}

export function actorOf(principal: Principal): Actor {
  return { name: principal.user.name, email: principal.user.email };
}
