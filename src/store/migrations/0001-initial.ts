import type { ColumnDefinitionBuilder, Kysely, Migration } from "kysely";
import type { DialectName } from "../schema.js";

/**
 * The first schema, written once for both dialects. The only difference is how an id is
 * generated: SQLite's AUTOINCREMENT (ids never reused, so sync log paging stays stable) and
 * PostgreSQL's identity column.
 */
export function initialMigration(dialect: DialectName): Migration {
  const id = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === "sqlite" ? col.primaryKey().autoIncrement() : col.primaryKey().generatedByDefaultAsIdentity();

  return {
    // Migrations see the database as it was then, not as the current types describe it.
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("tenants")
        .addColumn("slug", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("resources")
        .addColumn("tenant", "text", (c) => c.notNull().references("tenants.slug").onDelete("cascade"))
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("project", "text")
        .addColumn("archived", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("updated_by", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("resources_pk", ["tenant", "kind", "name"])
        .execute();

      await db.schema
        .createTable("connections")
        .addColumn("tenant", "text", (c) => c.notNull().references("tenants.slug").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("role", "text")
        .addColumn("host", "text")
        .addColumn("port", "integer")
        .addColumn("database", "text")
        .addColumn("username", "text")
        .addColumn("credentials", "text")
        .addColumn("needs_credentials", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("connections_pk", ["tenant", "name"])
        .execute();

      await db.schema
        .createTable("git_connections")
        .addColumn("tenant", "text", (c) => c.primaryKey().references("tenants.slug").onDelete("cascade"))
        .addColumn("provider", "text", (c) => c.notNull())
        .addColumn("repository", "text", (c) => c.notNull())
        .addColumn("branch", "text", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("format", "text", (c) => c.notNull())
        .addColumn("outbound", "text", (c) => c.notNull())
        .addColumn("debounce_ms", "integer", (c) => c.notNull())
        .addColumn("deletions", "text", (c) => c.notNull())
        .addColumn("base_url", "text")
        .addColumn("token", "text")
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("sync_state")
        .addColumn("tenant", "text", (c) => c.primaryKey().references("tenants.slug").onDelete("cascade"))
        .addColumn("last_applied_sha", "text")
        .addColumn("last_committed_sha", "text")
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("outbox")
        .addColumn("id", "integer", id)
        .addColumn("tenant", "text", (c) => c.notNull().references("tenants.slug").onDelete("cascade"))
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("operation", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("actor_name", "text", (c) => c.notNull())
        .addColumn("actor_email", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("done_at", "text")
        .addColumn("commit_sha", "text")
        .execute();
      await db.schema.createIndex("outbox_pending").on("outbox").columns(["done_at", "tenant", "id"]).execute();

      await db.schema
        .createTable("sync_log")
        .addColumn("id", "integer", id)
        .addColumn("tenant", "text", (c) => c.notNull().references("tenants.slug").onDelete("cascade"))
        .addColumn("direction", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("commit_sha", "text")
        .addColumn("branch", "text")
        .addColumn("pr_url", "text")
        .addColumn("author", "text")
        .addColumn("files", "text", (c) => c.notNull())
        .addColumn("resources", "text", (c) => c.notNull())
        .addColumn("error", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("sync_log_tenant_id").on("sync_log").columns(["tenant", "id"]).execute();

      await db.schema
        .createTable("webhook_deliveries")
        .addColumn("provider", "text", (c) => c.notNull())
        .addColumn("delivery_id", "text", (c) => c.notNull())
        .addColumn("received_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("webhook_deliveries_pk", ["provider", "delivery_id"])
        .execute();

      await db.schema
        .createTable("users")
        .addColumn("id", "integer", id)
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("api_tokens")
        .addColumn("id", "integer", id)
        .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("label", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("last_used_at", "text")
        .addColumn("revoked", "integer", (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable("local_pulls")
        .addColumn("repository", "text", (c) => c.notNull())
        .addColumn("number", "integer", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("head", "text", (c) => c.notNull())
        .addColumn("base", "text", (c) => c.notNull())
        .addColumn("head_sha", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("merge_commit_sha", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("local_pulls_pk", ["repository", "number"])
        .execute();

      await db.schema
        .createTable("local_checks")
        .addColumn("id", "integer", id)
        .addColumn("repository", "text", (c) => c.notNull())
        .addColumn("sha", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("conclusion", "text")
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("summary", "text", (c) => c.notNull())
        .addColumn("annotations", "text", (c) => c.notNull())
        .addColumn("pull_request", "integer")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addUniqueConstraint("local_checks_sha_name", ["repository", "sha", "name"])
        .execute();

      await db.schema
        .createTable("local_comments")
        .addColumn("repository", "text", (c) => c.notNull())
        .addColumn("pull_request", "integer", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("local_comments_pk", ["repository", "pull_request"])
        .execute();
    },
  };
}
