import { Type } from "@sinclair/typebox";
import type { Role } from "../core/types.js";
import { TENANT_SLUG_PATTERN, role } from "./common.js";
import { component, ref, type Static } from "./kit.js";

/** Tenants, and who the caller is. */

export const Tenant = component(
  "Tenant",
  Type.Object(
    {
      slug: Type.String(),
      name: Type.String(),
      createdAt: Type.String(),
      role: Type.Optional(role("In the list: the role the caller's token acts with here")),
    },
    { additionalProperties: false },
  ),
);
export type Tenant = Static<typeof Tenant>;

export const TenantInput = component(
  "TenantInput",
  Type.Object(
    {
      slug: Type.String({ pattern: TENANT_SLUG_PATTERN, maxLength: 63 }),
      name: Type.String({ minLength: 1, maxLength: 200 }),
    },
    { additionalProperties: false },
  ),
);
export type TenantInput = Static<typeof TenantInput>;

export const TenantList = component("TenantList", Type.Object({ items: Type.Array(ref(Tenant)) }));
export type TenantList = Static<typeof TenantList>;

/** A role per tenant slug. */
export const TenantGrants = component(
  "TenantGrants",
  Type.Unsafe<Record<string, Role>>({
    type: "object",
    description: "A role per tenant slug",
    propertyNames: { pattern: TENANT_SLUG_PATTERN, maxLength: 63 },
    additionalProperties: role(),
  }),
);

export type TenantGrants = Static<typeof TenantGrants>;

export const Me = component(
  "Me",
  Type.Object(
    {
      user: Type.Object({ name: Type.String(), email: Type.String(), role: role() }, { additionalProperties: false }),
      token: Type.Object(
        { label: Type.String(), role: role(), serverWide: Type.Boolean(), tenants: ref(TenantGrants) },
        { additionalProperties: false },
      ),
      admin: Type.Boolean({ description: "A server admin: tokens, creating tenants, every tenant" }),
    },
    { additionalProperties: false },
  ),
);
export type Me = Static<typeof Me>;
