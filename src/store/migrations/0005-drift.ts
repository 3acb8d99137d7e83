import type { Kysely, Migration } from "kysely";

/** What the last reconcile found between each tenant and its branch (the overview shows it). */
export function driftMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("tenant_drift")
        .addColumn("tenant", "text", (c) => c.primaryKey().references("tenants.slug").onDelete("cascade"))
        .addColumn("head", "text")
        .addColumn("last_applied_sha", "text")
        .addColumn("items", "text", (c) => c.notNull())
        .addColumn("checked_at", "text", (c) => c.notNull())
        .execute();
    },
  };
}
