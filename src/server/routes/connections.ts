import { ConflictError, GitsyncError, NotFoundError } from "../../core/errors.js";
import * as api from "../../api/shapes.js";
import type { ConnectionInput, Store } from "../../core/store.js";
import type { Connection } from "../../core/types.js";
import { applyMergePatch, requirePatchObject } from "../merge-patch.js";
import type { ApiSchemas } from "../schemas.js";
import type { Reply, Route } from "../router.js";
import { etagOf, expectedFrom, ifMatchVersion, param, requireTenant } from "./common.js";
import { assertRemovable } from "./resource-validation.js";


const base = "/api/v1/tenants/{tenant}/connections";

function fields(body: Omit<api.ConnectionUpdate, "name">): Omit<ConnectionInput, "name"> {
  return {
    type: body.type,
    role: body.role ?? null,
    host: body.host ?? null,
    port: body.port ?? null,
    database: body.database ?? null,
    username: body.username ?? null,
    // Undefined keeps the stored credentials: an update need not resend them.
    ...(body.credentials !== undefined ? { credentials: body.credentials } : {}),
  };
}

/** Fields a GET shows that the server alone sets: accepted in a body and ignored. */
const READ_ONLY = ["needsCredentials", "version", "updatedAt"];

function withoutReadOnly(body: unknown): unknown {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([key]) => !READ_ONLY.includes(key)));
}

const staleVersion = (name: string, version: number, expectedVersion: number) =>
  new GitsyncError("precondition_failed", `connection ${name} is at version ${version}`, { version, expectedVersion });

/** A PUT body or a merged PATCH, checked the same way and stored under the path's name. */
async function saveConnection(
  store: Store,
  schemas: ApiSchemas,
  tenant: string,
  name: string,
  body: unknown,
  expectedVersion: number | undefined,
): Promise<Connection> {
  const input = schemas.check(api.ConnectionUpdate, withoutReadOnly(body));
  if (input.name !== undefined && input.name !== name) {
    throw new GitsyncError("bad_request", `body name ${input.name} differs from the path's ${name}`, {
      fields: [{ field: "name", message: "must match the path" }],
    });
  }
  return store.putConnection(tenant, { name, ...fields(input), ...(expectedVersion !== undefined ? { expectedVersion } : {}) });
}

function withEtag(status: number, connection: Connection): Reply {
  return { status, body: connection satisfies api.Connection, headers: { etag: etagOf(connection.version) } };
}

/** What leaves the tenant: the fields of a connection, never its credentials or state. */
function exportItem(connection: Connection): api.ConnectionExportItem {
  const { name, type, role, host, port, database, username } = connection;
  return { name, type, role, host, port, database, username };
}

export const connectionRoutes: Route[] = [
  {
    method: "GET",
    path: base,
    access: "viewer",
    handler: async ({ params }, { store }) => {
      const tenant = await requireTenant(store, params.tenant);
      return { status: 200, body: { items: await store.listConnections(tenant.slug) } satisfies api.ConnectionList };
    },
  },
  {
    method: "POST",
    path: base,
    access: "editor",
    handler: async ({ params, body }, { store, schemas }) => {
      const tenant = await requireTenant(store, params.tenant);
      const input = schemas.check(api.ConnectionInput, withoutReadOnly(body));
      if (await store.getConnection(tenant.slug, input.name)) {
        throw new ConflictError(`connection ${input.name} exists`, { name: input.name });
      }
      return withEtag(201, await store.putConnection(tenant.slug, { name: input.name, ...fields(input) }));
    },
  },
  {
    method: "GET",
    path: `${base}/export`,
    access: "viewer",
    handler: async ({ params }, { store }) => {
      const tenant = await requireTenant(store, params.tenant);
      const connections = await store.listConnections(tenant.slug);
      return { status: 200, body: { connections: connections.map(exportItem) } satisfies api.ConnectionExport };
    },
  },
  {
    method: "POST",
    path: `${base}/import`,
    access: "editor",
    handler: async ({ params, body }, { store, schemas }) => {
      const tenant = await requireTenant(store, params.tenant);
      const input = schemas.check(api.ConnectionExport, body);
      const names = input.connections.map((c) => c.name);
      const duplicate = names.find((n, i) => names.indexOf(n) !== i);
      if (duplicate !== undefined) {
        throw new GitsyncError("bad_request", `connection ${duplicate} is listed twice`, { name: duplicate });
      }
      // All or nothing; existing connections keep their credentials, new ones have none yet.
      const result = await store.transaction(async (tx) => {
        const created: string[] = [];
        const updated: string[] = [];
        for (const item of input.connections) {
          const exists = (await tx.getConnection(tenant.slug, item.name)) !== null;
          const { credentials: _none, ...rest } = fields(item);
          await tx.putConnection(tenant.slug, { name: item.name, ...rest, ...(exists ? {} : { credentials: null }) });
          (exists ? updated : created).push(item.name);
        }
        return { created, updated };
      });
      return { status: 200, body: result satisfies api.ConnectionImportResult };
    },
  },
  {
    method: "GET",
    path: `${base}/{name}`,
    access: "viewer",
    handler: async ({ params }, { store }) => {
      const tenant = await requireTenant(store, params.tenant);
      const name = param(params, "name");
      const connection = await store.getConnection(tenant.slug, name);
      if (!connection) throw new NotFoundError(`no connection ${name}`, { name });
      return withEtag(200, connection);
    },
  },
  {
    method: "PUT",
    path: `${base}/{name}`,
    access: "editor",
    handler: async ({ params, body, req }, { store, schemas }) => {
      const tenant = await requireTenant(store, params.tenant);
      const name = param(params, "name");
      const current = await store.getConnection(tenant.slug, name);
      const expectedVersion = expectedFrom(ifMatchVersion(req.headers["if-match"]), current, `connection ${name}`);
      const saved = await saveConnection(store, schemas, tenant.slug, name, body, expectedVersion);
      return withEtag(current ? 200 : 201, saved);
    },
  },
  {
    method: "PATCH",
    path: `${base}/{name}`,
    access: "editor",
    handler: async ({ params, body, req }, { store, schemas }) => {
      const tenant = await requireTenant(store, params.tenant);
      const name = param(params, "name");
      const patch = requirePatchObject(body);
      const current = await store.getConnection(tenant.slug, name);
      if (!current) throw new NotFoundError(`no connection ${name}`, { name });
      const expected = expectedFrom(ifMatchVersion(req.headers["if-match"]), current, `connection ${name}`);
      if (expected !== undefined && expected !== current.version) throw staleVersion(name, current.version, expected);
      // Credentials are taken from the patch as given: merged, `null` would only drop the key.
      const { credentials, ...rest } = patch;
      const merged = applyMergePatch(exportItem(current), rest);
      const input = { ...merged, ...(credentials !== undefined ? { credentials } : {}) };
      // The version read is the one written over: a change in between is a 412, not lost.
      return withEtag(200, await saveConnection(store, schemas, tenant.slug, name, input, current.version));
    },
  },
  {
    method: "DELETE",
    path: `${base}/{name}`,
    access: "editor",
    handler: async ({ params }, { store }) => {
      const tenant = await requireTenant(store, params.tenant);
      const name = param(params, "name");
      await assertRemovable({ store }, tenant.slug, "connection", name);
      await store.deleteConnection(tenant.slug, name);
      return { status: 204 };
    },
  },
];
