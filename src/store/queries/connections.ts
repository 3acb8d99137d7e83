import { ConflictError, NotFoundError } from "../../core/errors.js";
import type { ConnectionInput } from "../../core/store.js";
import { RESOURCE_NAME, type Connection, type JsonObject } from "../../core/types.js";
import * as rows from "../rows.js";
import { flag } from "./columns.js";
import { atomically, now, type StoreContext } from "./context.js";
import { badRequest, versionMismatch } from "./failures.js";
import { requireTenant } from "./tenants.js";

/** Additional authenticated data: sealed credentials only open in the row they were written for. */
export const credentialsContext = (tenant: string, name: string): string => `connection:${tenant}/${name}`;

const notFound = (tenant: string, name: string): NotFoundError =>
  new NotFoundError(`connection ${name} not found in tenant ${tenant}`, { tenant, name });

export async function listConnections(cx: StoreContext, tenant: string): Promise<Connection[]> {
  const found = await cx.db.selectFrom("connections").selectAll().where("tenant", "=", tenant).orderBy("name").execute();
  return found.map(rows.toConnection);
}

export async function getConnection(cx: StoreContext, tenant: string, name: string): Promise<Connection | null> {
  const row = await connectionRow(cx, tenant, name);
  return row ? rows.toConnection(row) : null;
}

function connectionRow(cx: StoreContext, tenant: string, name: string) {
  return cx.db.selectFrom("connections").selectAll().where((eb) => eb.and({ tenant, name })).executeTakeFirst();
}

/** Decrypted credentials, for the code that connects; never for an API response. */
export async function getConnectionCredentials(cx: StoreContext, tenant: string, name: string): Promise<JsonObject | null> {
  const row = await connectionRow(cx, tenant, name);
  if (!row) throw notFound(tenant, name);
  if (row.credentials === null) return null;
  return JSON.parse(cx.secrets.open(row.credentials, credentialsContext(tenant, name))) as JsonObject;
}

/**
 * Whether an update still points at the system the stored credentials were given for: the
 * same type, host and port. Database and username may change without that (same server).
 */
function sameEndpoint(existing: { type: string; host: string | null; port: number | null }, input: ConnectionInput): boolean {
  return existing.type === input.type && existing.host === (input.host ?? null) && existing.port === (input.port ?? null);
}

const FIELDS = ["type", "role", "host", "port", "database", "username"] as const;
const sameFields = (a: Record<(typeof FIELDS)[number], unknown>, b: Record<(typeof FIELDS)[number], unknown>): boolean =>
  FIELDS.every((field) => a[field] === b[field]);

/**
 * Creates or replaces a connection. Credentials: undefined keeps the stored ones, unless the
 * type, host or port changed (credentials never follow a connection to another system); null
 * clears them. A connection without any is flagged as needing them (an imported one, say).
 */
export async function putConnection(cx: StoreContext, tenant: string, input: ConnectionInput): Promise<Connection> {
  if (!RESOURCE_NAME.test(input.name)) throw badRequest("name must match [a-z0-9][a-z0-9._-]{0,99}", "name");
  if (input.type === "") throw badRequest("type must not be empty", "type");
  const key = { tenant, name: input.name };
  return atomically(cx, async (tx) => {
    await requireTenant(tx, tenant);
    const existing = await connectionRow(tx, tenant, input.name);
    if (input.expectedVersion !== undefined && existing?.version !== input.expectedVersion) {
      throw versionMismatch(`connection ${input.name}`, key, input.expectedVersion, existing?.version ?? null);
    }
    let credentials: string | null;
    if (input.credentials === undefined) credentials = existing && sameEndpoint(existing, input) ? existing.credentials : null;
    else if (input.credentials === null) credentials = null;
    else credentials = tx.secrets.seal(JSON.stringify(input.credentials), credentialsContext(tenant, input.name));
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
    // As for resources, writing back what is stored changes nothing, not even the version.
    if (existing && credentials === existing.credentials && sameFields(existing, values)) return rows.toConnection(existing);
    const row = existing
      ? await tx.db
          .updateTable("connections")
          .set({ ...values, version: existing.version + 1 })
          .where((eb) => eb.and({ ...key, version: existing.version }))
          .returningAll()
          .executeTakeFirst()
      : await tx.db
          .insertInto("connections")
          .values({ ...key, ...values, version: 1 })
          .onConflict((oc) => oc.columns(["tenant", "name"]).doNothing())
          .returningAll()
          .executeTakeFirst();
    if (!row) throw new ConflictError(`connection ${input.name} was changed concurrently; try again`, key);
    return rows.toConnection(row);
  });
}

export async function deleteConnection(cx: StoreContext, tenant: string, name: string): Promise<void> {
  const result = await cx.db.deleteFrom("connections").where((eb) => eb.and({ tenant, name })).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound(tenant, name);
}
