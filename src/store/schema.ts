import type { Generated } from "kysely";

/**
 * Table shapes as Kysely sees them. Both dialects store the same values: timestamps as ISO-8601
 * text, flags as 0/1 integers (better-sqlite3 cannot bind booleans), JSON as text (PostgreSQL's
 * jsonb would reorder object keys, and a resource body must come back as it was written).
 */

export interface TenantsTable {
  slug: string;
  name: string;
  created_at: string;
}

export interface ResourcesTable {
  tenant: string;
  kind: string;
  name: string;
  body: string;
  version: number;
  project: string | null;
  archived: number;
  updated_by: string;
  updated_at: string;
}

export interface ConnectionsTable {
  tenant: string;
  name: string;
  type: string;
  role: string | null;
  host: string | null;
  port: number | null;
  database: string | null;
  username: string | null;
  /** Sealed by SecretBox; never plaintext. */
  credentials: string | null;
  needs_credentials: number;
  version: number;
  updated_at: string;
}

export interface GitConnectionsTable {
  tenant: string;
  provider: string;
  repository: string;
  branch: string;
  path: string;
  format: string;
  outbound: string;
  debounce_ms: number;
  deletions: string;
  base_url: string | null;
  /** Sealed by SecretBox; never plaintext. */
  token: string | null;
  updated_at: string;
}

export interface SyncStateTable {
  tenant: string;
  last_applied_sha: string | null;
  last_committed_sha: string | null;
  updated_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  tenant: string;
  kind: string;
  name: string;
  operation: string;
  version: number;
  actor_name: string;
  actor_email: string;
  created_at: string;
  done_at: string | null;
  commit_sha: string | null;
}

export interface SyncLogTable {
  id: Generated<number>;
  tenant: string;
  direction: string;
  status: string;
  commit_sha: string | null;
  branch: string | null;
  pr_url: string | null;
  author: string | null;
  files: string;
  resources: string;
  error: string | null;
  note: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  provider: string;
  delivery_id: string;
  received_at: string;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  email: string;
  role: string;
  created_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  label: string;
  role: string;
  /** SHA-256 of the secret, hex. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked: number;
}

export interface LocalPullsTable {
  repository: string;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  head_sha: string;
  state: string;
  merge_commit_sha: string | null;
  created_at: string;
  updated_at: string;
}

export interface LocalChecksTable {
  id: Generated<number>;
  repository: string;
  sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  title: string;
  summary: string;
  annotations: string;
  pull_request: number | null;
  created_at: string;
  updated_at: string;
}

export interface LocalCommentsTable {
  repository: string;
  pull_request: number;
  body: string;
  updated_at: string;
}

export interface CheckedPlansTable {
  tenant: string;
  pull_request: number;
  head_sha: string;
  fingerprint: string;
  /** JSON: the plan's lines (see src/sync/plan-fingerprint.ts). */
  items: string;
  updated_at: string;
}

export interface Database {
  tenants: TenantsTable;
  resources: ResourcesTable;
  connections: ConnectionsTable;
  git_connections: GitConnectionsTable;
  sync_state: SyncStateTable;
  outbox: OutboxTable;
  sync_log: SyncLogTable;
  webhook_deliveries: WebhookDeliveriesTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  local_pulls: LocalPullsTable;
  local_checks: LocalChecksTable;
  local_comments: LocalCommentsTable;
  checked_plans: CheckedPlansTable;
}

export type DialectName = "sqlite" | "postgres";
