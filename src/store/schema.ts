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
  /** The `git` provider's settings as JSON; null for the other providers. */
  remote: string | null;
  /** Sealed by SecretBox: the `git` provider's webhook secret. */
  webhook_secret: string | null;
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
  /** JSON: the first diagnostics of a refused sync (see MAX_LOG_DIAGNOSTICS); null when none. */
  diagnostics: string | null;
  /** How many diagnostics there were in all. */
  diagnostic_count: Generated<number>;
  note: string | null;
  created_at: string;
  updated_at: string;
}

/** One reference field of a live resource: `from` names `target` in `field`. */
export interface ResourceRefsTable {
  tenant: string;
  from_kind: string;
  from_name: string;
  /** The field path with its array indexes (`tasks[0].sourceConnection`). */
  field: string;
  target_kind: string;
  target_name: string;
}

export interface WebhookDeliveriesTable {
  provider: string;
  delivery_id: string;
  received_at: string;
  /** When the delivery's work committed; null while it is queued, running or failed. */
  handled_at: string | null;
}

/** SQLite's durable jobs (PostgreSQL keeps them in pg-boss's schema). */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  tenant: string | null;
  lane: string;
  state: string;
  payload: string;
  coalesce_key: string | null;
  attempts: number;
  error: string | null;
  run_at: string;
  created_at: string;
  finished_at: string | null;
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
  /** 1: the role reaches every tenant; 0: only the tenants in token_grants. */
  server_wide: Generated<number>;
}

export interface TokenGrantsTable {
  token_id: number;
  tenant: string;
  role: string;
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

export interface PullRequestCommentsTable {
  tenant: string;
  pull_request: number;
  /** Null while a comment is being created. */
  comment_id: string | null;
  updated_at: string;
}

export interface TenantDriftTable {
  tenant: string;
  head: string | null;
  last_applied_sha: string | null;
  /** JSON: the differing resources and their direction. */
  items: string;
  checked_at: string;
}

export interface Database {
  tenants: TenantsTable;
  resources: ResourcesTable;
  resource_refs: ResourceRefsTable;
  connections: ConnectionsTable;
  git_connections: GitConnectionsTable;
  sync_state: SyncStateTable;
  outbox: OutboxTable;
  sync_log: SyncLogTable;
  webhook_deliveries: WebhookDeliveriesTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  token_grants: TokenGrantsTable;
  local_pulls: LocalPullsTable;
  local_checks: LocalChecksTable;
  local_comments: LocalCommentsTable;
  checked_plans: CheckedPlansTable;
  pull_request_comments: PullRequestCommentsTable;
  tenant_drift: TenantDriftTable;
  jobs: JobsTable;
}

export type DialectName = "sqlite" | "postgres";
