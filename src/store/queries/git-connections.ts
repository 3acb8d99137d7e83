import type { Updateable } from "kysely";
import { PROVIDERS, type GitConnection } from "../../core/types.js";
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

/** `token`: undefined keeps the stored one, null clears it. */
export async function putGitConnection(cx: StoreContext, tenant: string, connection: GitConnection, token?: string | null): Promise<GitConnection> {
  const patch: Updateable<GitConnectionsTable> = { ...gitColumns(connection), updated_at: now() };
  if (token !== undefined) patch.token = token === null ? null : cx.secrets.seal(token, tokenContext(tenant));
  const row = await cx.db
    .updateTable("git_connections")
    .set(patch)
    .where("tenant", "=", tenant)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw tenantNotFound(tenant);
  return rows.toGitConnection(row);
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
  };
}
