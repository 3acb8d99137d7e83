import type { Kysely } from "kysely";
import { GitsyncError } from "../core/errors.js";
import type { LocalCheck, LocalComment, LocalPullRequest } from "../core/local-review.js";
import type {
  CheckedPlan,
  ConnectionInput,
  CreateTokenInput,
  DeleteResourceInput,
  KeptComment,
  PutResourceInput,
  ReferenceExtractor,
  Referrer,
  Store,
  SyncLogInput,
  SyncLogQuery,
  SyncState,
} from "../core/store.js";
import type { ApiToken, Connection, GitConnection, JsonObject, OutboxEntry, ProviderName, Resource, Role, SyncLogEntry, Tenant, TenantDrift, User } from "../core/types.js";
import * as checkedPlans from "./queries/checked-plans.js";
import * as connections from "./queries/connections.js";
import { atomically, type StoreContext } from "./queries/context.js";
import * as deliveries from "./queries/deliveries.js";
import * as drift from "./queries/drift.js";
import * as git from "./queries/git-connections.js";
import * as checks from "./queries/local-checks.js";
import * as pulls from "./queries/local-pulls.js";
import * as outbox from "./queries/outbox.js";
import * as comments from "./queries/pull-request-comments.js";
import * as references from "./queries/references.js";
import * as resources from "./queries/resources.js";
import * as syncLog from "./queries/sync-log.js";
import * as syncState from "./queries/sync-state.js";
import * as tenants from "./queries/tenants.js";
import * as tokens from "./queries/tokens.js";
import * as users from "./queries/users.js";
import type { Database, DialectName } from "./schema.js";
import type { SecretBox } from "./secret-box.js";
import { NO_SECRET_FIELDS, type SecretFieldsOf } from "./queries/sealed-fields.js";

/**
 * The Store over Kysely, the same code for SQLite and PostgreSQL. The queries live in
 * ./queries, one module per concern, each taking the handle explicitly; this class binds them
 * to one handle. An instance is bound either to the database or to one transaction, and
 * `transaction` on a bound instance reuses its transaction, so a query that needs atomicity
 * can always wrap itself without caring who called it.
 */
export class KyselyStore implements Store {
  private readonly cx: StoreContext;

  constructor(
    db: Kysely<Database>,
    readonly dialect: DialectName,
    secrets: SecretBox,
    secretFields: SecretFieldsOf = NO_SECRET_FIELDS,
    extractor?: ReferenceExtractor,
  ) {
    this.cx = { db, secrets, secretFields, ...(extractor ? { references: extractor } : {}) };
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.cx.db.isTransaction) return fn(this);
    return atomically(this.cx, (tx) => fn(new KyselyStore(tx.db, this.dialect, tx.secrets, tx.secretFields, tx.references)));
  }

  async ping(): Promise<void> {
    await this.cx.db.selectFrom("tenants").select("slug").limit(1).execute();
  }

  async close(): Promise<void> {
    if (this.cx.db.isTransaction) throw new GitsyncError("internal", "close() called inside a transaction");
    await this.cx.db.destroy();
  }

  createTenant(input: { slug: string; name: string }): Promise<Tenant> {
    return tenants.createTenant(this.cx, input);
  }
  getTenant(slug: string): Promise<Tenant | null> {
    return tenants.getTenant(this.cx, slug);
  }
  listTenants(): Promise<Tenant[]> {
    return tenants.listTenants(this.cx);
  }

  listResources(tenant: string, kind?: string, options?: { includeArchived?: boolean }): Promise<Resource[]> {
    return resources.listResources(this.cx, tenant, kind, options);
  }
  getResource(tenant: string, kind: string, name: string): Promise<Resource | null> {
    return resources.getResource(this.cx, tenant, kind, name);
  }
  putResource(tenant: string, input: PutResourceInput): Promise<Resource> {
    return resources.putResource(this.cx, tenant, input);
  }
  deleteResource(tenant: string, input: DeleteResourceInput): Promise<void> {
    return resources.deleteResource(this.cx, tenant, input);
  }

  getResources(tenant: string, kind: string, names: readonly string[]): Promise<Resource[]> {
    return resources.getResources(this.cx, tenant, kind, names);
  }
  listReferrers(tenant: string, kind: string, name: string, options?: { limit?: number }): Promise<Referrer[]> {
    return references.listReferrers(this.cx, tenant, kind, name, options);
  }
  rebuildReferences(tenant: string): Promise<number> {
    return atomically(this.cx, (tx) => references.rebuildReferences(tx, tenant));
  }

  listConnections(tenant: string): Promise<Connection[]> {
    return connections.listConnections(this.cx, tenant);
  }
  getConnection(tenant: string, name: string): Promise<Connection | null> {
    return connections.getConnection(this.cx, tenant, name);
  }
  getConnectionCredentials(tenant: string, name: string): Promise<JsonObject | null> {
    return connections.getConnectionCredentials(this.cx, tenant, name);
  }
  putConnection(tenant: string, input: ConnectionInput): Promise<Connection> {
    return connections.putConnection(this.cx, tenant, input);
  }
  deleteConnection(tenant: string, name: string): Promise<void> {
    return connections.deleteConnection(this.cx, tenant, name);
  }

  getGitConnection(tenant: string): Promise<GitConnection> {
    return git.getGitConnection(this.cx, tenant);
  }
  findGitConnections(provider: ProviderName, repository: string): Promise<{ tenant: string; connection: GitConnection }[]> {
    return git.findGitConnections(this.cx, provider, repository);
  }

  putGitConnection(tenant: string, connection: GitConnection, token?: string | null, expected?: GitConnection & { hasToken: boolean }): Promise<GitConnection> {
    return git.putGitConnection(this.cx, tenant, connection, token, expected);
  }
  getGitToken(tenant: string): Promise<string | null> {
    return git.getGitToken(this.cx, tenant);
  }
  putGitWebhookSecret(tenant: string, secret: string | null): Promise<void> {
    return git.putGitWebhookSecret(this.cx, tenant, secret);
  }
  getGitWebhookSecret(tenant: string): Promise<string | null> {
    return git.getGitWebhookSecret(this.cx, tenant);
  }

  pendingOutbox(tenant: string): Promise<OutboxEntry[]> {
    return outbox.pendingOutbox(this.cx, tenant);
  }
  markOutboxDone(ids: number[], commitSha: string | null): Promise<void> {
    return outbox.markOutboxDone(this.cx, ids, commitSha);
  }
  outboxTenants(): Promise<string[]> {
    return outbox.outboxTenants(this.cx);
  }

  appendSyncLog(tenant: string, entry: SyncLogInput): Promise<SyncLogEntry> {
    return syncLog.appendSyncLog(this.cx, tenant, entry);
  }
  updateSyncLog(id: number, patch: Partial<SyncLogInput>): Promise<SyncLogEntry> {
    return syncLog.updateSyncLog(this.cx, id, patch);
  }
  getSyncLog(tenant: string, id: number): Promise<SyncLogEntry | null> {
    return syncLog.getSyncLog(this.cx, tenant, id);
  }
  listSyncLog(tenant: string, query: SyncLogQuery): Promise<SyncLogEntry[]> {
    return syncLog.listSyncLog(this.cx, tenant, query);
  }

  putCheckedPlan(tenant: string, plan: Omit<CheckedPlan, "updatedAt">): Promise<CheckedPlan> {
    return checkedPlans.putCheckedPlan(this.cx, tenant, plan);
  }
  listCheckedPlans(tenant: string): Promise<CheckedPlan[]> {
    return checkedPlans.listCheckedPlans(this.cx, tenant);
  }
  deleteCheckedPlan(tenant: string, pullRequest: number): Promise<void> {
    return checkedPlans.deleteCheckedPlan(this.cx, tenant, pullRequest);
  }

  getPullRequestComment(tenant: string, pullRequest: number): Promise<KeptComment | null> {
    return comments.getPullRequestComment(this.cx, tenant, pullRequest);
  }
  putPullRequestComment(tenant: string, pullRequest: number, commentId: string | null): Promise<void> {
    return comments.putPullRequestComment(this.cx, tenant, pullRequest, commentId);
  }
  deletePullRequestComment(tenant: string, pullRequest: number): Promise<void> {
    return comments.deletePullRequestComment(this.cx, tenant, pullRequest);
  }

  putDrift(tenant: string, value: TenantDrift): Promise<void> {
    return drift.putDrift(this.cx, tenant, value);
  }
  getDrift(tenant: string): Promise<TenantDrift | null> {
    return drift.getDrift(this.cx, tenant);
  }

  getSyncState(tenant: string): Promise<SyncState> {
    return syncState.getSyncState(this.cx, tenant);
  }
  putSyncState(tenant: string, state: Partial<Omit<SyncState, "updatedAt">>): Promise<SyncState> {
    return syncState.putSyncState(this.cx, tenant, state);
  }

  recordDelivery(provider: string, deliveryId: string): Promise<boolean> {
    return deliveries.recordDelivery(this.cx, provider, deliveryId);
  }
  deliveryHandled(provider: string, deliveryId: string): Promise<boolean> {
    return deliveries.deliveryHandled(this.cx, provider, deliveryId);
  }
  markDeliveryHandled(provider: string, deliveryId: string): Promise<void> {
    return deliveries.markDeliveryHandled(this.cx, provider, deliveryId);
  }

  /** The Kysely handle this store is bound to (the database or its open transaction), for the job queues beside it. */
  handle(): Kysely<Database> {
    return this.cx.db;
  }

  createUser(input: { name: string; email: string; role: Role }): Promise<User> {
    return users.createUser(this.cx, input);
  }
  listUsers(): Promise<User[]> {
    return users.listUsers(this.cx);
  }
  createToken(input: CreateTokenInput): Promise<ApiToken> {
    return tokens.createToken(this.cx, input);
  }
  findToken(secret: string): Promise<{ token: ApiToken; user: User } | null> {
    return tokens.findToken(this.cx, secret);
  }
  listTokens(): Promise<ApiToken[]> {
    return tokens.listTokens(this.cx);
  }
  revokeToken(id: number): Promise<void> {
    return tokens.revokeToken(this.cx, id);
  }

  createLocalPull(input: pulls.LocalPullInput): Promise<LocalPullRequest> {
    return pulls.createLocalPull(this.cx, input);
  }
  getLocalPull(repository: string, number: number): Promise<LocalPullRequest | null> {
    return pulls.getLocalPull(this.cx, repository, number);
  }
  listLocalPulls(repository: string, state?: LocalPullRequest["state"]): Promise<LocalPullRequest[]> {
    return pulls.listLocalPulls(this.cx, repository, state);
  }
  updateLocalPull(repository: string, number: number, patch: pulls.LocalPullPatch): Promise<LocalPullRequest> {
    return pulls.updateLocalPull(this.cx, repository, number, patch);
  }
  putLocalCheck(input: Omit<LocalCheck, "id" | "createdAt" | "updatedAt">): Promise<LocalCheck> {
    return checks.putLocalCheck(this.cx, input);
  }
  listLocalChecks(repository: string, sha: string): Promise<LocalCheck[]> {
    return checks.listLocalChecks(this.cx, repository, sha);
  }
  upsertLocalComment(repository: string, pullRequest: number, body: string): Promise<LocalComment> {
    return checks.upsertLocalComment(this.cx, repository, pullRequest, body);
  }
  getLocalComment(repository: string, pullRequest: number): Promise<LocalComment | null> {
    return checks.getLocalComment(this.cx, repository, pullRequest);
  }
}
