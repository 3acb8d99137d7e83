import type { Migration, MigrationProvider } from "kysely";
import type { DialectName } from "../schema.js";
import { initialMigration } from "./0001-initial.js";
import { tenantGrantsMigration } from "./0002-tenant-grants.js";
import { integrityMigration } from "./0003-integrity.js";
import { checkedPlansMigration } from "./0004-checked-plans.js";
import { driftMigration } from "./0005-drift.js";
import { gitRemoteMigration } from "./0006-git-remote.js";
import { jobsMigration } from "./0007-jobs.js";
import { pullRequestCommentsMigration } from "./0008-pull-request-comments.js";

/**
 * Migrations live in code, not in a folder Kysely scans, so they ship inside the build and
 * need no file system access. Names sort in the order they must run; never rename one.
 */
export class StoreMigrations implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      "0001-initial": initialMigration(this.dialect),
      "0002-tenant-grants": tenantGrantsMigration(),
      "0003-integrity": integrityMigration(),
      "0004-checked-plans": checkedPlansMigration(),
      "0005-drift": driftMigration(),
      "0006-git-remote": gitRemoteMigration(),
      "0007-jobs": jobsMigration(this.dialect),
      "0008-pull-request-comments": pullRequestCommentsMigration(),
    };
  }
}
