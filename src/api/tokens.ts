import { Type } from "@sinclair/typebox";
import type { Role } from "../core/types.js";
import { nullableString, role } from "./common.js";
import { component, ref, type Static } from "./kit.js";
import { TenantGrants } from "./tenants.js";

/** API tokens: listing, creating (the secret shown once) and their grants. */

export const Token = component(
  "Token",
  Type.Object(
    {
      id: Type.Integer(),
      userId: Type.Integer(),
      label: Type.String(),
      role: role("Server-wide: the role everywhere; scoped: the highest grant"),
      serverWide: Type.Boolean({ description: "False: the token reaches only the tenants in `tenants`" }),
      tenants: ref(TenantGrants),
      createdAt: Type.String(),
      lastUsedAt: nullableString(),
      revoked: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
);
export type Token = Static<typeof Token>;

export const TokenList = component("TokenList", Type.Object({ items: Type.Array(ref(Token)) }));
export type TokenList = Static<typeof TokenList>;

export const TokenInput = component(
  "TokenInput",
  Type.Object(
    {
      label: Type.String({ minLength: 1, maxLength: 100 }),
      role: Type.Optional(role()),
      tenants: Type.Optional(
        Type.Unsafe<Record<string, Role>>({ type: "object", allOf: [ref(TenantGrants)], minProperties: 1, maxProperties: 1000 }),
      ),
      admin: Type.Optional(Type.Boolean()),
      user: Type.Optional(
        Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            email: Type.String({ pattern: "^[^\\s@]+@[^\\s@]+$", maxLength: 320 }),
          },
          { description: "The person the token acts for (commit author); omitted: the caller", additionalProperties: false },
        ),
      ),
    },
    {
      description: "role: server-wide in every tenant; tenants: only these, each with its role; admin: a server admin",
      additionalProperties: false,
    },
  ),
);
export type TokenInput = Static<typeof TokenInput>;

export const TokenCreated = component(
  "TokenCreated",
  Type.Object(
    { token: ref(Token), secret: Type.String({ description: "Shown once: only a hash is stored" }) },
    { additionalProperties: false },
  ),
);
export type TokenCreated = Static<typeof TokenCreated>;
