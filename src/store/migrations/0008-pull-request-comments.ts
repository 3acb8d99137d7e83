import type { Kysely, Migration } from "kysely";

/**
 * gitsync's comment on each pull request, by id: a check updates it without listing the
 * conversation first. A null id marks a comment being created, whose outcome is not known.
 */
export function pullRequestCommentsMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("pull_request_comments")
        .addColumn("tenant", "text", (c) => c.notNull().references("tenants.slug").onDelete("cascade"))
        .addColumn("pull_request", "integer", (c) => c.notNull())
        .addColumn("comment_id", "text")
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("pull_request_comments_pk", ["tenant", "pull_request"])
        .execute();
    },
  };
}
