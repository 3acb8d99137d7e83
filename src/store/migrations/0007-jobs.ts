import { sql, type Kysely, type Migration } from "kysely";
import type { DialectName } from "../schema.js";

/**
 * Durable jobs. On SQLite they live in a `jobs` table of the same database, so a job can be
 * stored in the transaction that creates its work; on PostgreSQL pg-boss keeps them in its own
 * schema and no table is made here. A webhook delivery now also says when its work committed:
 * a redelivery of one that never completed runs again.
 */
export function jobsMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("webhook_deliveries").addColumn("handled_at", "text").execute();
      // Deliveries seen before this version were handled the old way, when received.
      await sql`UPDATE webhook_deliveries SET handled_at = received_at`.execute(db);
      if (dialect !== "sqlite") return;
      await db.schema
        .createTable("jobs")
        .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("tenant", "text")
        .addColumn("lane", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("coalesce_key", "text")
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("error", "text")
        .addColumn("run_at", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text")
        .execute();
      await db.schema.createIndex("jobs_due").on("jobs").columns(["state", "run_at"]).execute();
      await db.schema.createIndex("jobs_lane").on("jobs").columns(["lane", "state", "id"]).execute();
      await db.schema.createIndex("jobs_tenant").on("jobs").columns(["tenant", "state", "id"]).execute();
    },
  };
}
