import type { Kysely, Migration } from "kysely";

/**
 * Tokens scoped to tenants: a token is either server-wide (its role in every tenant, as every
 * token was before) or reaches only the tenants it has a grant in. Existing tokens become
 * server-wide with their role, so they keep exactly the reach they had.
 */
export function tenantGrantsMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable("api_tokens")
        .addColumn("server_wide", "integer", (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable("token_grants")
        .addColumn("token_id", "integer", (c) => c.notNull().references("api_tokens.id").onDelete("cascade"))
        .addColumn("tenant", "text", (c) => c.notNull().references("tenants.slug").onDelete("cascade"))
        .addColumn("role", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("token_grants_pk", ["token_id", "tenant"])
        .execute();
      await db.schema.createIndex("token_grants_tenant").on("token_grants").column("tenant").execute();
    },
  };
}
