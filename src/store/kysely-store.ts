import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Kysely, Updateable } from "kysely";
import { ConflictError, GitsyncError, NotFoundError, PreconditionFailedError } from "../core/errors.js";
import type { LocalCheck, LocalComment, LocalPullRequest } from "../core/local-review.js";
import type {
  ConnectionInput,
  DeleteResourceInput,
  PutResourceInput,
  Store,
  SyncLogInput,
  SyncLogQuery,
  SyncState,
} from "../core/store.js";
import {
  DEFAULT_GIT_CONNECTION,
  PROVIDERS,
  RESOURCE_NAME,
  ROLES,
  TENANT_SLUG,
  type Actor,
  type ApiToken,
  type Connection,
  type GitConnection,
  type JsonObject,
  type OutboxEntry,
  type OutboxOperation,
  type Resource,
  type Role,
  type SyncLogEntry,
  type Tenant,
  type User,
} from "../core/types.js";
import * as rows from "./rows.js";
import type { Database, DialectName, LocalPullsTable, SyncLogTable } from "./schema.js";
import type { SecretBox } from "./secret-box.js";

/** How often a write that lost a race without a version precondition re-reads and tries again. */
const MAX_ATTEMPTS = 5;
const MAX_LOG_PAGE = 1000;

const now = (): string => new Date().toISOString();
const flag = (value: boolean): number => (value ? 1 : 0);
const describeActor = (actor: Actor): string => `${actor.name} <${actor.email}>`;

/** Unsalted SHA-256 is enough here: tokens are high-entropy random secrets, not passwords. */
export const hashToken = (secret: string): string => createHash("sha256").update(secret, "utf8").digest("hex");

function badRequest(message: string, field: string): GitsyncError {
  return new GitsyncError("bad_request", message, { field });
}

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${allowed.join(", ")}`, field);
  }
  return value as T;
}

/**
 * The Store over Kysely, the same code for SQLite and PostgreSQL. An instance is bound either to
 * the database or to one transaction; `transaction` on a bound instance reuses its transaction,
 * so a method that needs atomicity can always wrap itself without caring who called it.
 *
 * Concurrency: writes check versions in the UPDATE's WHERE clause and inserts use
 * ON CONFLICT DO NOTHING, so a lost race is detected from the row count on both databases
 * (and never aborts an outer PostgreSQL transaction with a constraint error).
 */
export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    private readonly secrets: SecretBox,
  ) {}

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.atomically(fn);
  }

  private async atomically<T>(fn: (tx: KyselyStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new KyselyStore(trx, this.dialect, this.secrets)));
  }

  async ping(): Promise<void> {
    await this.db.selectFrom("tenants").select("slug").limit(1).execute();
  }

  async close(): Promise<void> {
    if (this.db.isTransaction) throw new GitsyncError("internal", "close() called inside a transaction");
    await this.db.destroy();
  }

  // ---- tenants -------------------------------------------------------------------------------

  async createTenant(input: { slug: string; name: string }): Promise<Tenant> {
    if (!TENANT_SLUG.test(input.slug)) throw badRequest("slug must match [a-z0-9][a-z0-9-]*", "slug");
    if (input.name.trim() === "") throw badRequest("name must not be empty", "name");
    return this.atomically(async (tx) => {
      const at = now();
      const row = await tx.db
        .insertInto("tenants")
        .values({ slug: input.slug, name: input.name, created_at: at })
        .onConflict((oc) => oc.column("slug").doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new ConflictError(`tenant ${input.slug} already exists`, { slug: input.slug });
      const git = { ...DEFAULT_GIT_CONNECTION, repository: input.slug };
      await tx.db
        .insertInto("git_connections")
        .values({ tenant: input.slug, ...gitColumns(git), token: null, updated_at: at })
        .execute();
      await tx.db
        .insertInto("sync_state")
        .values({ tenant: input.slug, last_applied_sha: null, last_committed_sha: null, updated_at: at })
        .execute();
      return rows.toTenant(row);
    });
  }

  async getTenant(slug: string): Promise<Tenant | null> {
    const row = await this.db.selectFrom("tenants").selectAll().where("slug", "=", slug).executeTakeFirst();
    return row ? rows.toTenant(row) : null;
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.db.selectFrom("tenants").selectAll().orderBy("slug").execute()).map(rows.toTenant);
  }

  private async requireTenant(slug: string): Promise<void> {
    const row = await this.db.selectFrom("tenants").select("slug").where("slug", "=", slug).executeTakeFirst();
    if (!row) throw new NotFoundError(`tenant ${slug} not found`, { tenant: slug });
  }

  // ---- resources -----------------------------------------------------------------------------

  async listResources(tenant: string, kind?: string, options?: { includeArchived?: boolean }): Promise<Resource[]> {
    let query = this.db.selectFrom("resources").selectAll().where("tenant", "=", tenant);
    if (kind !== undefined) query = query.where("kind", "=", kind);
    if (!options?.includeArchived) query = query.where("archived", "=", 0);
    return (await query.orderBy("kind").orderBy("name").execute()).map(rows.toResource);
  }

  /** Archived resources are returned too (with `archived: true`), so a caller can restore them. */
  async getResource(tenant: string, kind: string, name: string): Promise<Resource | null> {
    const row = await this.resourceRow(tenant, kind, name);
    return row ? rows.toResource(row) : null;
  }

  private resourceRow(tenant: string, kind: string, name: string) {
    return this.db
      .selectFrom("resources")
      .selectAll()
      .where("tenant", "=", tenant)
      .where("kind", "=", kind)
      .where("name", "=", name)
      .executeTakeFirst();
  }

  async putResource(tenant: string, input: PutResourceInput): Promise<Resource> {
    if (input.kind === "") throw badRequest("kind must not be empty", "kind");
    if (!RESOURCE_NAME.test(input.name)) throw badRequest("name must match [a-z0-9][a-z0-9._-]{0,99}", "name");
    return this.atomically(async (tx) => {
      await tx.requireTenant(tenant);
      for (let attempt = 1; ; attempt++) {
        const written = await tx.tryPutResource(tenant, input);
        if (written) return written;
        if (attempt >= MAX_ATTEMPTS) {
          throw new ConflictError(`${input.kind} ${input.name} is being changed concurrently; try again`);
        }
      }
    });
  }

  /** One optimistic attempt; undefined when another writer won a race the caller did not guard against. */
  private async tryPutResource(tenant: string, input: PutResourceInput): Promise<Resource | undefined> {
    const { kind, name, expectedVersion } = input;
    const where = { tenant, kind, name };
    const body = JSON.stringify(input.body);
    const existing = await this.resourceRow(tenant, kind, name);
    const at = now();
    let row;

    // An archived resource counts as absent for "must not exist": creating it again restores it.
    if (!existing || (existing.archived === 1 && expectedVersion === null)) {
      if (typeof expectedVersion === "number" && !existing) {
        throw new PreconditionFailedError(`${kind} ${name} does not exist (expected version ${expectedVersion})`, {
          ...where,
          expectedVersion,
          version: null,
        });
      }
    } else if (expectedVersion === null) {
      throw new ConflictError(`${kind} ${name} already exists`, { ...where, version: existing.version });
    }
    if (existing && typeof expectedVersion === "number" && existing.version !== expectedVersion) {
      throw new PreconditionFailedError(`${kind} ${name} is at version ${existing.version}, not ${expectedVersion}`, {
        ...where,
        expectedVersion,
        version: existing.version,
      });
    }

    if (!existing) {
      row = await this.db
        .insertInto("resources")
        .values({ ...where, body, version: 1, project: input.project, archived: 0, updated_by: describeActor(input.actor), updated_at: at })
        .onConflict((oc) => oc.columns(["tenant", "kind", "name"]).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row && expectedVersion === null) throw new ConflictError(`${kind} ${name} already exists`, where);
    } else {
      const unchanged =
        existing.archived === 0 &&
        existing.project === input.project &&
        isDeepStrictEqual(JSON.parse(existing.body), JSON.parse(body));
      if (unchanged) return rows.toResource(existing);
      row = await this.db
        .updateTable("resources")
        .set({ body, version: existing.version + 1, project: input.project, archived: 0, updated_by: describeActor(input.actor), updated_at: at })
        .where("tenant", "=", tenant)
        .where("kind", "=", kind)
        .where("name", "=", name)
        .where("version", "=", existing.version)
        .returningAll()
        .executeTakeFirst();
      if (!row && expectedVersion !== undefined) {
        throw new PreconditionFailedError(`${kind} ${name} was changed concurrently`, { ...where, expectedVersion });
      }
    }
    if (!row) return undefined;
    if (input.outbox) await this.addOutbox(tenant, kind, name, "upsert", row.version, input.actor);
    return rows.toResource(row);
  }

  async deleteResource(tenant: string, input: DeleteResourceInput): Promise<void> {
    await this.atomically(async (tx) => {
      for (let attempt = 1; ; attempt++) {
        if (await tx.tryDeleteResource(tenant, input)) return;
        if (attempt >= MAX_ATTEMPTS) {
          throw new ConflictError(`${input.kind} ${input.name} is being changed concurrently; try again`);
        }
      }
    });
  }

  private async tryDeleteResource(tenant: string, input: DeleteResourceInput): Promise<boolean> {
    const { kind, name, expectedVersion } = input;
    const where = { tenant, kind, name };
    const existing = await this.resourceRow(tenant, kind, name);
    // Archiving an archived resource finds nothing to archive; deleting one purges it.
    if (!existing || (existing.archived === 1 && input.mode === "archive")) {
      throw new NotFoundError(`${kind} ${name} not found in tenant ${tenant}`, where);
    }
    if (expectedVersion !== undefined && existing.version !== expectedVersion) {
      throw new PreconditionFailedError(`${kind} ${name} is at version ${existing.version}, not ${expectedVersion}`, {
        ...where,
        expectedVersion,
        version: existing.version,
      });
    }
    const version = existing.version + 1;
    const changed =
      input.mode === "archive"
        ? await this.db
            .updateTable("resources")
            .set({ archived: 1, version, updated_by: describeActor(input.actor), updated_at: now() })
            .where("tenant", "=", tenant)
            .where("kind", "=", kind)
            .where("name", "=", name)
            .where("version", "=", existing.version)
            .executeTakeFirst()
            .then((r) => Number(r.numUpdatedRows))
        : await this.db
            .deleteFrom("resources")
            .where("tenant", "=", tenant)
            .where("kind", "=", kind)
            .where("name", "=", name)
            .where("version", "=", existing.version)
            .executeTakeFirst()
            .then((r) => Number(r.numDeletedRows));
    if (changed === 0) {
      if (expectedVersion !== undefined) {
        throw new PreconditionFailedError(`${kind} ${name} was changed concurrently`, { ...where, expectedVersion });
      }
      return false;
    }
    if (input.outbox) await this.addOutbox(tenant, kind, name, "delete", version, input.actor);
    return true;
  }

  // ---- connections ---------------------------------------------------------------------------

  async listConnections(tenant: string): Promise<Connection[]> {
    const found = await this.db.selectFrom("connections").selectAll().where("tenant", "=", tenant).orderBy("name").execute();
    return found.map(rows.toConnection);
  }

  async getConnection(tenant: string, name: string): Promise<Connection | null> {
    const row = await this.connectionRow(tenant, name);
    return row ? rows.toConnection(row) : null;
  }

  private connectionRow(tenant: string, name: string) {
    return this.db
      .selectFrom("connections")
      .selectAll()
      .where("tenant", "=", tenant)
      .where("name", "=", name)
      .executeTakeFirst();
  }

  async getConnectionCredentials(tenant: string, name: string): Promise<JsonObject | null> {
    const row = await this.connectionRow(tenant, name);
    if (!row) throw new NotFoundError(`connection ${name} not found in tenant ${tenant}`, { tenant, name });
    if (row.credentials === null) return null;
    return JSON.parse(this.secrets.open(row.credentials, connectionContext(tenant, name))) as JsonObject;
  }

  async putConnection(tenant: string, input: ConnectionInput): Promise<Connection> {
    if (!RESOURCE_NAME.test(input.name)) throw badRequest("name must match [a-z0-9][a-z0-9._-]{0,99}", "name");
    if (input.type === "") throw badRequest("type must not be empty", "type");
    return this.atomically(async (tx) => {
      await tx.requireTenant(tenant);
      const existing = await tx.connectionRow(tenant, input.name);
      if (input.expectedVersion !== undefined && existing?.version !== input.expectedVersion) {
        throw new PreconditionFailedError(
          `connection ${input.name} is at version ${existing?.version ?? "(none)"}, not ${input.expectedVersion}`,
          { tenant, name: input.name, expectedVersion: input.expectedVersion, version: existing?.version ?? null },
        );
      }
      let credentials: string | null;
      if (input.credentials === undefined) credentials = existing?.credentials ?? null;
      else if (input.credentials === null) credentials = null;
      else credentials = tx.secrets.seal(JSON.stringify(input.credentials), connectionContext(tenant, input.name));
      const values = {
        type: input.type,
        role: input.role ?? null,
        host: input.host ?? null,
        port: input.port ?? null,
        database: input.database ?? null,
        username: input.username ?? null,
        credentials,
        needs_credentials: flag(credentials === null),
        updated_at: now(),
      };
      const row = existing
        ? await tx.db
            .updateTable("connections")
            .set({ ...values, version: existing.version + 1 })
            .where("tenant", "=", tenant)
            .where("name", "=", input.name)
            .where("version", "=", existing.version)
            .returningAll()
            .executeTakeFirst()
        : await tx.db
            .insertInto("connections")
            .values({ tenant, name: input.name, ...values, version: 1 })
            .onConflict((oc) => oc.columns(["tenant", "name"]).doNothing())
            .returningAll()
            .executeTakeFirst();
      if (!row) throw new ConflictError(`connection ${input.name} was changed concurrently; try again`, { tenant, name: input.name });
      return rows.toConnection(row);
    });
  }

  async deleteConnection(tenant: string, name: string): Promise<void> {
    const result = await this.db
      .deleteFrom("connections")
      .where("tenant", "=", tenant)
      .where("name", "=", name)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      throw new NotFoundError(`connection ${name} not found in tenant ${tenant}`, { tenant, name });
    }
  }

  // ---- git connection ------------------------------------------------------------------------

  async getGitConnection(tenant: string): Promise<GitConnection> {
    const row = await this.db.selectFrom("git_connections").selectAll().where("tenant", "=", tenant).executeTakeFirst();
    if (!row) throw new NotFoundError(`tenant ${tenant} not found`, { tenant });
    return rows.toGitConnection(row);
  }

  async putGitConnection(tenant: string, connection: GitConnection, token?: string | null): Promise<GitConnection> {
    const patch: Updateable<Database["git_connections"]> = { ...gitColumns(connection), updated_at: now() };
    if (token !== undefined) patch.token = token === null ? null : this.secrets.seal(token, gitTokenContext(tenant));
    const row = await this.db
      .updateTable("git_connections")
      .set(patch)
      .where("tenant", "=", tenant)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`tenant ${tenant} not found`, { tenant });
    return rows.toGitConnection(row);
  }

  async getGitToken(tenant: string): Promise<string | null> {
    const row = await this.db.selectFrom("git_connections").select("token").where("tenant", "=", tenant).executeTakeFirst();
    if (!row) throw new NotFoundError(`tenant ${tenant} not found`, { tenant });
    return row.token === null ? null : this.secrets.open(row.token, gitTokenContext(tenant));
  }

  // ---- outbox --------------------------------------------------------------------------------

  private async addOutbox(tenant: string, kind: string, name: string, operation: OutboxOperation, version: number, actor: Actor): Promise<void> {
    await this.db
      .insertInto("outbox")
      .values({ tenant, kind, name, operation, version, actor_name: actor.name, actor_email: actor.email, created_at: now(), done_at: null, commit_sha: null })
      .execute();
  }

  async pendingOutbox(tenant: string): Promise<OutboxEntry[]> {
    const found = await this.db
      .selectFrom("outbox")
      .selectAll()
      .where("tenant", "=", tenant)
      .where("done_at", "is", null)
      .orderBy("id")
      .execute();
    return found.map(rows.toOutboxEntry);
  }

  async markOutboxDone(ids: number[], commitSha: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable("outbox").set({ done_at: now(), commit_sha: commitSha }).where("id", "in", ids).execute();
  }

  async outboxTenants(): Promise<string[]> {
    const found = await this.db.selectFrom("outbox").select("tenant").distinct().where("done_at", "is", null).orderBy("tenant").execute();
    return found.map((r) => r.tenant);
  }

  // ---- sync log and state --------------------------------------------------------------------

  async appendSyncLog(tenant: string, entry: SyncLogInput): Promise<SyncLogEntry> {
    await this.requireTenant(tenant);
    const at = now();
    const row = await this.db
      .insertInto("sync_log")
      .values({
        tenant,
        direction: entry.direction,
        status: entry.status,
        commit_sha: entry.commitSha ?? null,
        branch: entry.branch ?? null,
        pr_url: entry.prUrl ?? null,
        author: entry.author ?? null,
        files: JSON.stringify(entry.files ?? []),
        resources: JSON.stringify(entry.resources ?? []),
        error: entry.error ?? null,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return rows.toSyncLogEntry(row);
  }

  async updateSyncLog(id: number, patch: Partial<SyncLogInput>): Promise<SyncLogEntry> {
    const set: Updateable<SyncLogTable> = { updated_at: now() };
    if (patch.direction !== undefined) set.direction = patch.direction;
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.commitSha !== undefined) set.commit_sha = patch.commitSha;
    if (patch.branch !== undefined) set.branch = patch.branch;
    if (patch.prUrl !== undefined) set.pr_url = patch.prUrl;
    if (patch.author !== undefined) set.author = patch.author;
    if (patch.files !== undefined) set.files = JSON.stringify(patch.files);
    if (patch.resources !== undefined) set.resources = JSON.stringify(patch.resources);
    if (patch.error !== undefined) set.error = patch.error;
    const row = await this.db.updateTable("sync_log").set(set).where("id", "=", id).returningAll().executeTakeFirst();
    if (!row) throw new NotFoundError(`sync log entry ${id} not found`, { id });
    return rows.toSyncLogEntry(row);
  }

  async getSyncLog(tenant: string, id: number): Promise<SyncLogEntry | null> {
    const row = await this.db.selectFrom("sync_log").selectAll().where("tenant", "=", tenant).where("id", "=", id).executeTakeFirst();
    return row ? rows.toSyncLogEntry(row) : null;
  }

  async listSyncLog(tenant: string, query: SyncLogQuery): Promise<SyncLogEntry[]> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_LOG_PAGE) {
      throw badRequest(`limit must be an integer from 1 to ${MAX_LOG_PAGE}`, "limit");
    }
    let q = this.db.selectFrom("sync_log").selectAll().where("tenant", "=", tenant);
    if (query.before !== undefined) q = q.where("id", "<", query.before);
    if (query.direction !== undefined) q = q.where("direction", "=", query.direction);
    if (query.status !== undefined) q = q.where("status", "=", query.status);
    return (await q.orderBy("id", "desc").limit(query.limit).execute()).map(rows.toSyncLogEntry);
  }

  async getSyncState(tenant: string): Promise<SyncState> {
    const row = await this.db.selectFrom("sync_state").selectAll().where("tenant", "=", tenant).executeTakeFirst();
    if (!row) throw new NotFoundError(`tenant ${tenant} not found`, { tenant });
    return rows.toSyncState(row);
  }

  async putSyncState(tenant: string, state: Partial<Omit<SyncState, "updatedAt">>): Promise<SyncState> {
    const set: Updateable<Database["sync_state"]> = { updated_at: now() };
    if (state.lastAppliedSha !== undefined) set.last_applied_sha = state.lastAppliedSha;
    if (state.lastCommittedSha !== undefined) set.last_committed_sha = state.lastCommittedSha;
    const row = await this.db.updateTable("sync_state").set(set).where("tenant", "=", tenant).returningAll().executeTakeFirst();
    if (!row) throw new NotFoundError(`tenant ${tenant} not found`, { tenant });
    return rows.toSyncState(row);
  }

  async recordDelivery(provider: string, deliveryId: string): Promise<boolean> {
    const row = await this.db
      .insertInto("webhook_deliveries")
      .values({ provider, delivery_id: deliveryId, received_at: now() })
      .onConflict((oc) => oc.columns(["provider", "delivery_id"]).doNothing())
      .returning("delivery_id")
      .executeTakeFirst();
    return row !== undefined;
  }

  // ---- users and tokens ----------------------------------------------------------------------

  async createUser(input: { name: string; email: string; role: Role }): Promise<User> {
    const role = oneOf(input.role, ROLES, "role");
    const row = await this.db
      .insertInto("users")
      .values({ name: input.name, email: input.email, role, created_at: now() })
      .onConflict((oc) => oc.column("email").doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new ConflictError(`a user with email ${input.email} already exists`, { email: input.email });
    return rows.toUser(row);
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.selectFrom("users").selectAll().orderBy("id").execute()).map(rows.toUser);
  }

  async createToken(input: { userId: number; label: string; role: Role; secret: string }): Promise<ApiToken> {
    const role = oneOf(input.role, ROLES, "role");
    if (input.secret === "") throw badRequest("token secret must not be empty", "secret");
    return this.atomically(async (tx) => {
      const user = await tx.db.selectFrom("users").select("id").where("id", "=", input.userId).executeTakeFirst();
      if (!user) throw new NotFoundError(`user ${input.userId} not found`, { userId: input.userId });
      const row = await tx.db
        .insertInto("api_tokens")
        .values({ user_id: input.userId, label: input.label, role, token_hash: hashToken(input.secret), created_at: now(), last_used_at: null, revoked: 0 })
        .onConflict((oc) => oc.column("token_hash").doNothing())
        .returningAll()
        .executeTakeFirst();
      // Never say which token it collides with: that would confirm a guessed secret.
      if (!row) throw new ConflictError("this token secret is already in use");
      return rows.toApiToken(row);
    });
  }

  async findToken(secret: string): Promise<{ token: ApiToken; user: User } | null> {
    const found = await this.db
      .selectFrom("api_tokens")
      .innerJoin("users", "users.id", "api_tokens.user_id")
      .selectAll("api_tokens")
      .select(["users.name as user_name", "users.email as user_email", "users.role as user_role"])
      .where("api_tokens.token_hash", "=", hashToken(secret))
      .where("api_tokens.revoked", "=", 0)
      .executeTakeFirst();
    if (!found) return null;
    const lastUsed = now();
    await this.db.updateTable("api_tokens").set({ last_used_at: lastUsed }).where("id", "=", found.id).execute();
    return {
      token: rows.toApiToken({ ...found, last_used_at: lastUsed }),
      user: rows.toUser({ id: found.user_id, name: found.user_name, email: found.user_email, role: found.user_role }),
    };
  }

  async listTokens(): Promise<ApiToken[]> {
    return (await this.db.selectFrom("api_tokens").selectAll().orderBy("id").execute()).map(rows.toApiToken);
  }

  async revokeToken(id: number): Promise<void> {
    const result = await this.db.updateTable("api_tokens").set({ revoked: 1 }).where("id", "=", id).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(`token ${id} not found`, { id });
  }

  // ---- local review (the local provider's pull requests, checks and comments) ----------------

  async createLocalPull(input: { repository: string; title: string; body: string; head: string; base: string; headSha: string }): Promise<LocalPullRequest> {
    return this.atomically(async (tx) => {
      for (let attempt = 1; ; attempt++) {
        const last = await tx.db
          .selectFrom("local_pulls")
          .select((eb) => eb.fn.max("number").as("n"))
          .where("repository", "=", input.repository)
          .executeTakeFirst();
        const at = now();
        const row = await tx.db
          .insertInto("local_pulls")
          .values({
            repository: input.repository,
            number: (last?.n ?? 0) + 1,
            title: input.title,
            body: input.body,
            head: input.head,
            base: input.base,
            head_sha: input.headSha,
            state: "open",
            merge_commit_sha: null,
            created_at: at,
            updated_at: at,
          })
          .onConflict((oc) => oc.columns(["repository", "number"]).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row) return rows.toLocalPull(row);
        if (attempt >= MAX_ATTEMPTS) throw new ConflictError(`pull requests of ${input.repository} are being created concurrently; try again`);
      }
    });
  }

  async getLocalPull(repository: string, number: number): Promise<LocalPullRequest | null> {
    const row = await this.db
      .selectFrom("local_pulls")
      .selectAll()
      .where("repository", "=", repository)
      .where("number", "=", number)
      .executeTakeFirst();
    return row ? rows.toLocalPull(row) : null;
  }

  async listLocalPulls(repository: string, state?: LocalPullRequest["state"]): Promise<LocalPullRequest[]> {
    let q = this.db.selectFrom("local_pulls").selectAll().where("repository", "=", repository);
    if (state !== undefined) q = q.where("state", "=", state);
    return (await q.orderBy("number").execute()).map(rows.toLocalPull);
  }

  async updateLocalPull(
    repository: string,
    number: number,
    patch: Partial<Pick<LocalPullRequest, "title" | "body" | "headSha" | "state" | "mergeCommitSha">>,
  ): Promise<LocalPullRequest> {
    const set: Updateable<LocalPullsTable> = { updated_at: now() };
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.body !== undefined) set.body = patch.body;
    if (patch.headSha !== undefined) set.head_sha = patch.headSha;
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.mergeCommitSha !== undefined) set.merge_commit_sha = patch.mergeCommitSha;
    const row = await this.db
      .updateTable("local_pulls")
      .set(set)
      .where("repository", "=", repository)
      .where("number", "=", number)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`pull request ${repository}#${number} not found`, { repository, number });
    return rows.toLocalPull(row);
  }

  async putLocalCheck(input: Omit<LocalCheck, "id" | "createdAt" | "updatedAt">): Promise<LocalCheck> {
    const at = now();
    const values = {
      status: input.status,
      conclusion: input.conclusion,
      title: input.title,
      summary: input.summary,
      annotations: JSON.stringify(input.annotations),
      pull_request: input.pullRequest,
      updated_at: at,
    };
    const row = await this.db
      .insertInto("local_checks")
      .values({ repository: input.repository, sha: input.sha, name: input.name, ...values, created_at: at })
      .onConflict((oc) => oc.columns(["repository", "sha", "name"]).doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    return rows.toLocalCheck(row);
  }

  async listLocalChecks(repository: string, sha: string): Promise<LocalCheck[]> {
    const found = await this.db
      .selectFrom("local_checks")
      .selectAll()
      .where("repository", "=", repository)
      .where("sha", "=", sha)
      .orderBy("id")
      .execute();
    return found.map(rows.toLocalCheck);
  }

  async upsertLocalComment(repository: string, pullRequest: number, body: string): Promise<LocalComment> {
    const at = now();
    const row = await this.db
      .insertInto("local_comments")
      .values({ repository, pull_request: pullRequest, body, updated_at: at })
      .onConflict((oc) => oc.columns(["repository", "pull_request"]).doUpdateSet({ body, updated_at: at }))
      .returningAll()
      .executeTakeFirstOrThrow();
    return rows.toLocalComment(row);
  }

  async getLocalComment(repository: string, pullRequest: number): Promise<LocalComment | null> {
    const row = await this.db
      .selectFrom("local_comments")
      .selectAll()
      .where("repository", "=", repository)
      .where("pull_request", "=", pullRequest)
      .executeTakeFirst();
    return row ? rows.toLocalComment(row) : null;
  }
}

/** Additional authenticated data: a sealed value only opens in the row it was written for. */
const connectionContext = (tenant: string, name: string): string => `connection:${tenant}/${name}`;
const gitTokenContext = (tenant: string): string => `git-token:${tenant}`;

function gitColumns(git: GitConnection) {
  return {
    provider: oneOf(git.provider, PROVIDERS, "provider"),
    repository: git.repository,
    branch: git.branch,
    path: git.path,
    format: oneOf(git.format, ["yaml", "json"] as const, "format"),
    outbound: oneOf(git.outbound, ["direct", "pull-request"] as const, "outbound"),
    debounce_ms: git.debounceMs,
    deletions: oneOf(git.deletions, ["keep", "archive", "delete"] as const, "deletions"),
    base_url: git.baseUrl,
  };
}
