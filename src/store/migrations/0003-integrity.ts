import type { Kysely, Migration } from "kysely";

/**
 * The reference index (which live resources name which resource or connection), so a delete
 * can find its referrers without reading the tenant; and the diagnostics of a refused sync,
 * kept on its sync log entry so a user can read why.
 */
export function integrityMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("resource_refs")
        .addColumn("tenant", "text", (c) => c.notNull().references("tenants.slug").onDelete("cascade"))
        .addColumn("from_kind", "text", (c) => c.notNull())
        .addColumn("from_name", "text", (c) => c.notNull())
        .addColumn("field", "text", (c) => c.notNull())
        .addColumn("target_kind", "text", (c) => c.notNull())
        .addColumn("target_name", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("resource_refs_pk", ["tenant", "from_kind", "from_name", "field"])
        .execute();
      // Referrers in the order they are listed, so "who names X" reads only X's rows: with just
      // the target columns SQLite preferred walking the primary key in that order instead.
      await db.schema
        .createIndex("resource_refs_target")
        .on("resource_refs")
        .columns(["tenant", "target_kind", "target_name", "from_kind", "from_name", "field"])
        .execute();

      await db.schema.alterTable("sync_log").addColumn("diagnostics", "text").execute();
      await db.schema
        .alterTable("sync_log")
        .addColumn("diagnostic_count", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
