import type { Kysely, Migration } from "kysely";

/**
 * The `git` provider's own settings (JSON, nothing secret: sign-in kind, user name, pinned host
 * key, poll interval, compare link) and its webhook secret, sealed like the token.
 */
export function gitRemoteMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("git_connections").addColumn("remote", "text").execute();
      await db.schema.alterTable("git_connections").addColumn("webhook_secret", "text").execute();
    },
  };
}
