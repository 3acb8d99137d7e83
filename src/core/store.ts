import type {
  Actor,
  ApiToken,
  Connection,
  Diagnostic,
  GitConnection,
  JsonObject,
  OutboxEntry,
  ProviderName,
  Resource,
  Role,
  SyncDirection,
  SyncLogEntry,
  SyncStatus,
  Tenant,
  TenantDrift,
  User,
} from "./types.js";
import type { LocalReviewStore } from "./local-review.js";

/**
 * Persistence port. SQLite (default) and PostgreSQL implement it with the same migrations.
 * `transaction` hands the callback a Store bound to one database transaction: everything it
 * does commits together or not at all.
 */

export interface CreateTokenInput {
  userId: number;
  label: string;
  role: Role;
  secret: string;
  tenants?: Record<string, Role>;
  /** Default: true without `tenants`, false with them. */
  serverWide?: boolean;
}

export interface PutResourceInput {
  kind: string;
  name: string;
  body: JsonObject;
  project: string | null;
  /** Optimistic concurrency: the version the writer read, or null for "must not exist". */
  expectedVersion?: number | null;
  actor: Actor;
  /** Record an outbox row in the same transaction (API writes; not inbound applies). */
  outbox: boolean;
}

export interface DeleteResourceInput {
  kind: string;
  name: string;
  expectedVersion?: number;
  actor: Actor;
  outbox: boolean;
  /** archive: set aside and restorable; delete: removed. */
  mode: "archive" | "delete";
}

export interface ConnectionInput {
  name: string;
  type: string;
  role?: string | null;
  host?: string | null;
  port?: number | null;
  database?: string | null;
  username?: string | null;
  /** Plain credentials; encrypted before they reach the database. Undefined keeps the old ones. */
  credentials?: JsonObject | null;
  expectedVersion?: number;
}

export interface SyncLogInput {
  direction: SyncDirection;
  status: SyncStatus;
  commitSha?: string | null;
  branch?: string | null;
  prUrl?: string | null;
  author?: string | null;
  files?: string[];
  resources?: string[];
  error?: string | null;
  /** All the findings; the store keeps the first MAX_LOG_DIAGNOSTICS and their count. */
  diagnostics?: Diagnostic[];
  /** What the entry adds that is not an error: a branch reset, how a merge compares with its check. */
  note?: string | null;
}

/** One reference a resource body holds: `field` (with array indexes) names `target` `name`. */
export interface ResourceReference {
  field: string;
  /** The kind id it names (`model`, `connection`, ...). */
  target: string;
  name: string;
}

/** Finds a body's references; the catalog knows which fields are references, the store does not. */
export type ReferenceExtractor = (kind: string, body: JsonObject) => ResourceReference[];

/** A live resource that names another one, and the field that does. */
export interface Referrer {
  kind: string;
  name: string;
  field: string;
}

/** The plan a pull request's check showed at one head (the latest check per pull request). */
export interface CheckedPlan {
  pullRequest: number;
  headSha: string;
  fingerprint: string;
  /** One line per plan item, as the fingerprint hashes them. */
  items: string[];
  updatedAt: string;
}

/** gitsync's comment on a pull request as kept: its id, or null while one is being created. */
export interface KeptComment {
  commentId: string | null;
}

export interface SyncLogQuery {
  limit: number;
  /** Entries with an id lower than this (paging backwards from the newest). */
  before?: number;
  direction?: SyncDirection;
  status?: SyncStatus;
  /** Entries about this commit: a full object id, or a prefix of at least 7 hex digits. */
  commitSha?: string;
}

/** Per tenant: what gitsync last applied from and wrote to its branch. */
export interface SyncState {
  lastAppliedSha: string | null;
  lastCommittedSha: string | null;
  updatedAt: string;
}

export interface Store extends LocalReviewStore {
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;

  createTenant(input: { slug: string; name: string }): Promise<Tenant>;
  getTenant(slug: string): Promise<Tenant | null>;
  listTenants(): Promise<Tenant[]>;

  listResources(tenant: string, kind?: string, options?: { includeArchived?: boolean }): Promise<Resource[]>;
  getResource(tenant: string, kind: string, name: string): Promise<Resource | null>;
  putResource(tenant: string, input: PutResourceInput): Promise<Resource>;
  deleteResource(tenant: string, input: DeleteResourceInput): Promise<void>;
  /** Several resources of one kind by name (live or archived); the missing ones are left out. */
  getResources(tenant: string, kind: string, names: readonly string[]): Promise<Resource[]>;
  /**
   * Live resources naming this one (or this connection, with kind `connection`), from the
   * reference index the store keeps on every write: no scan of the tenant.
   */
  listReferrers(tenant: string, kind: string, name: string, options?: { limit?: number }): Promise<Referrer[]>;
  /** Rebuilds a tenant's reference index from its resources (at start; the writes keep it after). */
  rebuildReferences(tenant: string): Promise<number>;

  listConnections(tenant: string): Promise<Connection[]>;
  getConnection(tenant: string, name: string): Promise<Connection | null>;
  /** Decrypted credentials, for the code that connects; never for an API response. */
  getConnectionCredentials(tenant: string, name: string): Promise<JsonObject | null>;
  putConnection(tenant: string, input: ConnectionInput): Promise<Connection>;
  deleteConnection(tenant: string, name: string): Promise<void>;

  getGitConnection(tenant: string): Promise<GitConnection>;
  /** Every tenant whose git connection names this repository (webhooks find their tenants so). */
  findGitConnections(provider: ProviderName, repository: string): Promise<{ tenant: string; connection: GitConnection }[]>;
  /**
   * `token`: undefined keeps the stored one (dropped when provider, baseUrl or repository
   * change), null clears it. `expected`: write only over the row as it was read, else a 412.
   */
  putGitConnection(tenant: string, connection: GitConnection, token?: string | null, expected?: GitConnection & { hasToken: boolean }): Promise<GitConnection>;
  getGitToken(tenant: string): Promise<string | null>;
  /** The `git` provider's webhook secret, sealed at rest; null clears it. */
  putGitWebhookSecret(tenant: string, secret: string | null): Promise<void>;
  getGitWebhookSecret(tenant: string): Promise<string | null>;

  /** Outbox rows not yet committed, oldest first. */
  pendingOutbox(tenant: string): Promise<OutboxEntry[]>;
  markOutboxDone(ids: number[], commitSha: string | null): Promise<void>;
  outboxTenants(): Promise<string[]>;

  appendSyncLog(tenant: string, entry: SyncLogInput): Promise<SyncLogEntry>;
  updateSyncLog(id: number, patch: Partial<SyncLogInput>): Promise<SyncLogEntry>;
  getSyncLog(tenant: string, id: number): Promise<SyncLogEntry | null>;
  listSyncLog(tenant: string, query: SyncLogQuery): Promise<SyncLogEntry[]>;

  /** Keeps only the latest check's plan per pull request. */
  putCheckedPlan(tenant: string, plan: Omit<CheckedPlan, "updatedAt">): Promise<CheckedPlan>;
  listCheckedPlans(tenant: string): Promise<CheckedPlan[]>;
  deleteCheckedPlan(tenant: string, pullRequest: number): Promise<void>;

  /**
   * gitsync's comment on a pull request, kept so that a check can update it without listing
   * the conversation: null when none is kept; `commentId` null while one is being created (its
   * outcome unknown, so the next check lists).
   */
  getPullRequestComment(tenant: string, pullRequest: number): Promise<KeptComment | null>;
  putPullRequestComment(tenant: string, pullRequest: number, commentId: string | null): Promise<void>;
  deletePullRequestComment(tenant: string, pullRequest: number): Promise<void>;

  /** What the last reconcile or drift request found between the tenant and its branch. */
  putDrift(tenant: string, drift: TenantDrift): Promise<void>;
  getDrift(tenant: string): Promise<TenantDrift | null>;

  getSyncState(tenant: string): Promise<SyncState>;
  putSyncState(tenant: string, state: Partial<Omit<SyncState, "updatedAt">>): Promise<SyncState>;

  /** True the first time a delivery id is seen; false for a redelivery. */
  recordDelivery(provider: string, deliveryId: string): Promise<boolean>;
  /** True once the delivery's work has committed (a redelivery then does nothing). */
  deliveryHandled(provider: string, deliveryId: string): Promise<boolean>;
  /** Records that the delivery's work committed. */
  markDeliveryHandled(provider: string, deliveryId: string): Promise<void>;

  createUser(input: { name: string; email: string; role: Role }): Promise<User>;
  listUsers(): Promise<User[]>;
  /** Stores only a hash of `secret`; the caller shows the secret once. */
  /** Server-wide with `role` unless `tenants` is given: then only those tenants, with those roles (see serverWide). */
  createToken(input: CreateTokenInput): Promise<ApiToken>;
  /** The token and its user for a presented secret, or null (unknown or revoked). */
  findToken(secret: string): Promise<{ token: ApiToken; user: User } | null>;
  listTokens(): Promise<ApiToken[]>;
  revokeToken(id: number): Promise<void>;
}
