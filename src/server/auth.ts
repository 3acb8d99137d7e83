import type { IncomingMessage } from "node:http";
import { GitsyncError, NotFoundError } from "../core/errors.js";
import type { Store } from "../core/store.js";
import type { Actor, ApiToken, Role, User } from "../core/types.js";

/** Who is calling: the token presented, its user, and the role they act with. */
export interface Principal {
  token: ApiToken;
  user: User;
  /** The role on the route's tenant; elsewhere the server-wide role (viewer for a scoped token). */
  role: Role;
}

/** Who may call a route: anyone (`public`), or at least this role. */
export type Access = "public" | Role;

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export const atLeast = (role: Role, wanted: Role): boolean => RANK[role] >= RANK[wanted];

/** A token never acts above its user, nor the user above the token. */
const lower = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);
const higher = (a: Role, b: Role | undefined): Role => (b !== undefined && RANK[b] > RANK[a] ? b : a);

/** The role a token acts with in a tenant, or null when it cannot even read it. */
export function roleIn(token: ApiToken, user: User, tenant: string): Role | null {
  const granted = token.tenants[tenant];
  const role = token.serverWide ? higher(token.role, granted) : granted;
  return role === undefined ? null : lower(role, user.role);
}

/** A server admin: a server-wide admin token of an admin user (tokens, tenants, metrics). */
export function isServerAdmin(token: ApiToken, user: User): boolean {
  return token.serverWide && lower(token.role, user.role) === "admin";
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== "string") return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * 401 without a known token. On a tenant's route: 404 when the token cannot read the tenant
 * (the same answer as a tenant that does not exist, so a scoped token learns nothing about
 * others), 403 when it can read but its role there is below `access`. Elsewhere the admin
 * routes need a server admin; the rest any token.
 */
export async function authorize(store: Store, req: IncomingMessage, access: Access, tenant?: string): Promise<Principal | null> {
  if (access === "public") return null;
  const secret = bearer(req);
  if (secret === null) {
    throw new GitsyncError("unauthorized", "missing bearer token (Authorization: Bearer <token>)");
  }
  const found = await store.findToken(secret);
  if (!found || found.token.revoked) throw new GitsyncError("unauthorized", "unknown or revoked token");
  const { token, user } = found;
  if (tenant !== undefined) {
    const role = roleIn(token, user, tenant);
    if (role === null) throw new NotFoundError(`no tenant ${tenant}`, { tenant });
    if (!atLeast(role, access)) {
      throw new GitsyncError("forbidden", `this needs the ${access} role in tenant ${tenant}; the token has ${role} there`, {
        required: access,
        role,
        tenant,
      });
    }
    return { token, user, role };
  }
  const role = token.serverWide ? lower(token.role, user.role) : "viewer";
  if (access === "admin" && !isServerAdmin(token, user)) {
    throw new GitsyncError("forbidden", `this needs a server-wide admin token; the token has ${token.serverWide ? role : "tenant grants only"}`, {
      required: "admin",
      role,
    });
  }
  return { token, user, role };
}

export function actorOf(principal: Principal): Actor {
  return { name: principal.user.name, email: principal.user.email };
}
