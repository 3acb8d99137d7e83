import type { Kysely, Migration } from "kysely";

/**
 * The plan each pull request's check showed (so a merge can say whether it did the same), and
 * a note on sync log entries for what is neither an error nor a resource list (a branch reset,
 * how an applied plan compares with its check).
 */
export function checkedPlansMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("checked_plans")
        .addColumn("tenant", "text", (c) => c.notNull().references("tenants.slug").onDelete("cascade"))
        .addColumn("pull_request", "integer", (c) => c.notNull())
        .addColumn("head_sha", "text", (c) => c.notNull())
        .addColumn("fingerprint", "text", (c) => c.notNull())
        .addColumn("items", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("checked_plans_pk", ["tenant", "pull_request"])
        .execute();
      await db.schema.alterTable("sync_log").addColumn("note", "text").execute();
    },
  };
}
