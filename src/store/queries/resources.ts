import { isDeepStrictEqual } from "node:util";
import { ConflictError, NotFoundError, PreconditionFailedError } from "../../core/errors.js";
import type { DeleteResourceInput, PutResourceInput } from "../../core/store.js";
import { RESOURCE_NAME, type Actor, type Resource } from "../../core/types.js";
import * as rows from "../rows.js";
import { atomically, now, type StoreContext } from "./context.js";
import { badRequest, changedConcurrently, versionMismatch } from "./failures.js";
import { addOutbox } from "./outbox.js";
import { retryLostRaces } from "./races.js";
import { mayHoldSealed, openBody, sealBody } from "./sealed-fields.js";
import { indexReferences } from "./references.js";
import { requireTenant } from "./tenants.js";

/**
 * Resources with optimistic concurrency: every write checks the version it read in the
 * UPDATE's WHERE clause and inserts use ON CONFLICT DO NOTHING, so a lost race shows as a zero
 * row count on both databases (and never aborts an outer PostgreSQL transaction with a
 * constraint error). A writer that named a version gets a 412; one that did not tries again.
 */

interface ResourceKey {
  tenant: string;
  kind: string;
  name: string;
}

const describeActor = (actor: Actor): string => `${actor.name} <${actor.email}>`;

export async function listResources(
  cx: StoreContext,
  tenant: string,
  kind?: string,
  options?: { includeArchived?: boolean },
): Promise<Resource[]> {
  let query = cx.db.selectFrom("resources").selectAll().where("tenant", "=", tenant);
  if (kind !== undefined) query = query.where("kind", "=", kind);
  if (!options?.includeArchived) query = query.where("archived", "=", 0);
  return (await query.orderBy("kind").orderBy("name").execute()).map((row) => toResource(cx, row));
}

type ResourceRow = Parameters<typeof rows.toResource>[0];

/** A row as the callers see it: secret fields opened (they are sealed in the database). */
function toResource(cx: StoreContext, row: ResourceRow): Resource {
  const resource = rows.toResource(row);
  if (!mayHoldSealed(row.body)) return resource;
  return { ...resource, body: openBody(cx.secrets, { tenant: row.tenant, kind: row.kind, name: row.name }, resource.body) };
}

/** Archived resources are returned too (with `archived: true`), so a caller can restore them. */
export async function getResource(cx: StoreContext, tenant: string, kind: string, name: string): Promise<Resource | null> {
  const row = await resourceRow(cx, { tenant, kind, name });
  return row ? toResource(cx, row) : null;
}

function resourceRow(cx: StoreContext, key: ResourceKey) {
  return cx.db.selectFrom("resources").selectAll().where((eb) => eb.and(key)).executeTakeFirst();
}

export async function putResource(cx: StoreContext, tenant: string, input: PutResourceInput): Promise<Resource> {
  if (input.kind === "") throw badRequest("kind must not be empty", "kind");
  if (!RESOURCE_NAME.test(input.name)) throw badRequest("name must match [a-z0-9][a-z0-9._-]{0,99}", "name");
  return atomically(cx, async (tx) => {
    await requireTenant(tx, tenant);
    return retryLostRaces(() => tryPutResource(tx, tenant, input), `${input.kind} ${input.name} is being changed concurrently; try again`);
  });
}

/** One optimistic attempt; undefined when another writer won a race the caller did not guard against. */
async function tryPutResource(cx: StoreContext, tenant: string, input: PutResourceInput): Promise<Resource | undefined> {
  const { kind, name, expectedVersion } = input;
  const key = { tenant, kind, name };
  const label = `${kind} ${name}`;
  const body = JSON.stringify(sealBody(cx.secrets, cx.secretFields, key, input.body));
  const existing = await resourceRow(cx, key);
  const at = now();

  if (!existing && typeof expectedVersion === "number") {
    throw new PreconditionFailedError(`${label} does not exist (expected version ${expectedVersion})`, { ...key, expectedVersion, version: null });
  }
  // An archived resource counts as absent for "must not exist": creating it again restores it.
  if (existing && existing.archived !== 1 && expectedVersion === null) {
    throw new ConflictError(`${label} already exists`, { ...key, version: existing.version });
  }
  if (existing && typeof expectedVersion === "number" && existing.version !== expectedVersion) {
    throw versionMismatch(label, key, expectedVersion, existing.version);
  }

  let row;
  if (!existing) {
    row = await cx.db
      .insertInto("resources")
      .values({ ...key, body, version: 1, project: input.project, archived: 0, updated_by: describeActor(input.actor), updated_at: at })
      .onConflict((oc) => oc.columns(["tenant", "kind", "name"]).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row && expectedVersion === null) throw new ConflictError(`${label} already exists`, key);
  } else {
    const unchanged =
      existing.archived === 0 &&
      existing.project === input.project &&
      isDeepStrictEqual(toResource(cx, existing).body, JSON.parse(JSON.stringify(input.body)));
    if (unchanged) return toResource(cx, existing);
    row = await cx.db
      .updateTable("resources")
      .set({ body, version: existing.version + 1, project: input.project, archived: 0, updated_by: describeActor(input.actor), updated_at: at })
      .where((eb) => eb.and({ ...key, version: existing.version }))
      .returningAll()
      .executeTakeFirst();
    if (!row && expectedVersion !== undefined) throw changedConcurrently(label, key, expectedVersion);
  }
  if (!row) return undefined;
  await indexReferences(cx, key, input.body);
  if (input.outbox) await addOutbox(cx, { ...key, operation: "upsert", version: row.version, actor: input.actor });
  return toResource(cx, row);
}

export async function deleteResource(cx: StoreContext, tenant: string, input: DeleteResourceInput): Promise<void> {
  await atomically(cx, (tx) =>
    retryLostRaces(() => tryDeleteResource(tx, tenant, input), `${input.kind} ${input.name} is being changed concurrently; try again`),
  );
}

/** One optimistic attempt; undefined when another writer won a race the caller did not guard against. */
async function tryDeleteResource(cx: StoreContext, tenant: string, input: DeleteResourceInput): Promise<true | undefined> {
  const { kind, name, expectedVersion } = input;
  const key = { tenant, kind, name };
  const label = `${kind} ${name}`;
  const existing = await resourceRow(cx, key);
  // Archiving an archived resource finds nothing to archive; deleting one purges it.
  if (!existing || (existing.archived === 1 && input.mode === "archive")) {
    throw new NotFoundError(`${label} not found in tenant ${tenant}`, key);
  }
  if (expectedVersion !== undefined && existing.version !== expectedVersion) {
    throw versionMismatch(label, key, expectedVersion, existing.version);
  }
  const guard = { ...key, version: existing.version };
  const version = existing.version + 1;
  const changed =
    input.mode === "archive"
      ? await cx.db
          .updateTable("resources")
          .set({ archived: 1, version, updated_by: describeActor(input.actor), updated_at: now() })
          .where((eb) => eb.and(guard))
          .executeTakeFirst()
          .then((r) => Number(r.numUpdatedRows))
      : await cx.db
          .deleteFrom("resources")
          .where((eb) => eb.and(guard))
          .executeTakeFirst()
          .then((r) => Number(r.numDeletedRows));
  if (changed === 0) {
    if (expectedVersion !== undefined) throw changedConcurrently(label, key, expectedVersion);
    return undefined;
  }
  await indexReferences(cx, key, null);
  if (input.outbox) await addOutbox(cx, { ...key, operation: "delete", version, actor: input.actor });
  return true;
}

export async function getResources(cx: StoreContext, tenant: string, kind: string, names: readonly string[]): Promise<Resource[]> {
  if (names.length === 0) return [];
  const rowsFound = await cx.db
    .selectFrom("resources")
    .selectAll()
    .where("tenant", "=", tenant)
    .where("kind", "=", kind)
    .where("name", "in", [...new Set(names)])
    .execute();
  return rowsFound.map(rows.toResource);
}
