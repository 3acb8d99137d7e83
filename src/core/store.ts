import type {
  Actor,
  ApiToken,
  Connection,
  GitConnection,
  JsonObject,
  OutboxEntry,
  OutboxOperation,
  ProviderName,
  Resource,
  Role,
  SyncDirection,
  SyncLogEntry,
  SyncStatus,
  Tenant,
  User,
} from "./types.js";
import type { LocalReviewStore } from "./local-review.js";

/**
 * Persistence port. SQLite (default) and PostgreSQL implement it with the same migrations.
 * `transaction` hands the callback a Store bound to one database transaction: everything it
 * does commits together or not at all.
 */

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
  note?: string | null;
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

export interface SyncLogQuery {
  limit: number;
  /** Entries with an id lower than this (paging backwards from the newest). */
  before?: number;
  direction?: SyncDirection;
  status?: SyncStatus;
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

  listConnections(tenant: string): Promise<Connection[]>;
  getConnection(tenant: string, name: string): Promise<Connection | null>;
  /** Decrypted credentials, for the code that connects; never for an API response. */
  getConnectionCredentials(tenant: string, name: string): Promise<JsonObject | null>;
  putConnection(tenant: string, input: ConnectionInput): Promise<Connection>;
  deleteConnection(tenant: string, name: string): Promise<void>;

  getGitConnection(tenant: string): Promise<GitConnection>;
  /** Every tenant whose git connection names this repository (webhooks find their tenants so). */
  findGitConnections(provider: ProviderName, repository: string): Promise<{ tenant: string; connection: GitConnection }[]>;
  /** `token`: undefined keeps the stored one, null clears it. */
  putGitConnection(tenant: string, connection: GitConnection, token?: string | null): Promise<GitConnection>;
  getGitToken(tenant: string): Promise<string | null>;

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

  getSyncState(tenant: string): Promise<SyncState>;
  putSyncState(tenant: string, state: Partial<Omit<SyncState, "updatedAt">>): Promise<SyncState>;

  /** True the first time a delivery id is seen; false for a redelivery. */
  recordDelivery(provider: string, deliveryId: string): Promise<boolean>;

  createUser(input: { name: string; email: string; role: Role }): Promise<User>;
  listUsers(): Promise<User[]>;
  /** Stores only a hash of `secret`; the caller shows the secret once. */
  createToken(input: { userId: number; label: string; role: Role; secret: string }): Promise<ApiToken>;
  /** The token and its user for a presented secret, or null (unknown or revoked). */
  findToken(secret: string): Promise<{ token: ApiToken; user: User } | null>;
  listTokens(): Promise<ApiToken[]>;
  revokeToken(id: number): Promise<void>;
}
