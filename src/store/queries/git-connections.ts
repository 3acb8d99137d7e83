import { sql, type RawBuilder, type Updateable } from "kysely";
import { PreconditionFailedError } from "../../core/errors.js";
import { DEFAULT_GIT_REMOTE, PROVIDERS, type GitConnection } from "../../core/types.js";
import * as rows from "../rows.js";
import type { GitConnectionsTable } from "../schema.js";
import { now, type StoreContext } from "./context.js";
import { oneOf, tenantNotFound } from "./failures.js";

/** Additional authenticated data: a sealed token only opens in the row it was written for. */
export const tokenContext = (tenant: string): string => `git-token:${tenant}`;

/** Every tenant has exactly one git connection, made with the tenant and never deleted alone. */
export async function insertGitConnection(cx: StoreContext, tenant: string, git: GitConnection, at: string): Promise<void> {
  await cx.db
    .insertInto("git_connections")
    .values({ tenant, ...gitColumns(git), token: null, updated_at: at })
    .execute();
}

export async function getGitConnection(cx: StoreContext, tenant: string): Promise<GitConnection> {
  const row = await cx.db.selectFrom("git_connections").selectAll().where("tenant", "=", tenant).executeTakeFirst();
  if (!row) throw tenantNotFound(tenant);
  return rows.toGitConnection(row);
}

/** The tenants whose git connection names this provider's repository (case-insensitive, as forges are). */
export async function findGitConnections(
  cx: StoreContext,
  provider: GitConnection["provider"],
  repository: string,
): Promise<{ tenant: string; connection: GitConnection }[]> {
  const found = await cx.db
    .selectFrom("git_connections")
    .selectAll()
    .where("provider", "=", provider)
    .where((eb) => eb(eb.fn("lower", ["repository"]), "=", repository.toLowerCase()))
    .orderBy("tenant")
    .execute();
  return found.map((row) => ({ tenant: row.tenant, connection: rows.toGitConnection(row) }));
}

/**
 * The stored token where the row still names the same host and repository, else null: SET
 * expressions read the row as it was before the update, so the comparison and the write are
 * one statement and no concurrent change can slip between them.
 */
function tokenIfSameHost(git: GitConnection): RawBuilder<string | null> {
  const baseUrl = git.baseUrl === null ? sql`base_url IS NULL` : sql`base_url = ${git.baseUrl}`;
  return sql<string | null>`CASE WHEN provider = ${git.provider} AND repository = ${git.repository} AND ${baseUrl} THEN token ELSE NULL END`;
}

/** The row is still `expected` (its fields, and whether a token is stored). */
function stillAsRead(expected: GitConnection & { hasToken: boolean }) {
  const columns = gitColumns(expected);
  return sql<boolean>`provider = ${columns.provider} AND repository = ${columns.repository} AND branch = ${columns.branch}
    AND path = ${columns.path} AND format = ${columns.format} AND outbound = ${columns.outbound}
    AND debounce_ms = ${columns.debounce_ms} AND deletions = ${columns.deletions}
    AND ${columns.base_url === null ? sql`base_url IS NULL` : sql`base_url = ${columns.base_url}`}
    AND ${columns.remote === null ? sql`remote IS NULL` : sql`remote = ${columns.remote}`}
    AND ${expected.hasToken ? sql`token IS NOT NULL` : sql`token IS NULL`}`;
}

/**
 * `token`: undefined keeps the stored one, null clears it. A token is only good for the host it
 * was given for: when provider, baseUrl or repository change and no token comes with them, the
 * stored one is dropped rather than sent to the new host. `expected`: write only if the row is
 * still as it was read (a 412 otherwise), checked in the same statement as the write.
 */
export async function putGitConnection(
  cx: StoreContext,
  tenant: string,
  connection: GitConnection,
  token?: string | null,
  expected?: GitConnection & { hasToken: boolean },
): Promise<GitConnection> {
  const patch: Updateable<GitConnectionsTable> = { ...gitColumns(connection), updated_at: now() };
  const sealed = token === undefined ? tokenIfSameHost(connection) : token === null ? null : cx.secrets.seal(token, tokenContext(tenant));
  let update = cx.db.updateTable("git_connections").set({ ...patch, token: sealed }).where("tenant", "=", tenant);
  if (expected) update = update.where(stillAsRead(expected));
  const row = await update.returningAll().executeTakeFirst();
  if (row) return rows.toGitConnection(row);
  if (expected) await getGitConnection(cx, tenant);
  throw expected ? new PreconditionFailedError("the git connection was changed since it was read", { tenant }) : tenantNotFound(tenant);
}

/** Additional authenticated data of the `git` provider's webhook secret. */
export const webhookSecretContext = (tenant: string): string => `git-webhook-secret:${tenant}`;

/** Sets (a string) or clears (null) the `git` provider's webhook secret. */
export async function putGitWebhookSecret(cx: StoreContext, tenant: string, secret: string | null): Promise<void> {
  const sealed = secret === null ? null : cx.secrets.seal(secret, webhookSecretContext(tenant));
  const row = await cx.db.updateTable("git_connections").set({ webhook_secret: sealed }).where("tenant", "=", tenant).returning("tenant").executeTakeFirst();
  if (!row) throw tenantNotFound(tenant);
}

export async function getGitWebhookSecret(cx: StoreContext, tenant: string): Promise<string | null> {
  const row = await cx.db.selectFrom("git_connections").select("webhook_secret").where("tenant", "=", tenant).executeTakeFirst();
  if (!row) throw tenantNotFound(tenant);
  return row.webhook_secret === null ? null : cx.secrets.open(row.webhook_secret, webhookSecretContext(tenant));
}

export async function getGitToken(cx: StoreContext, tenant: string): Promise<string | null> {
  const row = await cx.db.selectFrom("git_connections").select("token").where("tenant", "=", tenant).executeTakeFirst();
  if (!row) throw tenantNotFound(tenant);
  return row.token === null ? null : cx.secrets.open(row.token, tokenContext(tenant));
}

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
    remote: git.provider === "git" ? JSON.stringify({ ...DEFAULT_GIT_REMOTE, ...git.remote }) : null,
  };
}
