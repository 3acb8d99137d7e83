import * as api from "../../api/shapes.js";
import type { Kind } from "../../catalog/kind.js";
import { GitsyncError, NotFoundError } from "../../core/errors.js";
import { RESOURCE_NAME, type Resource } from "../../core/types.js";
import { actorOf } from "../auth.js";
import type { ApiDeps } from "../deps.js";
import type { Reply, Route } from "../router.js";
import { etagOf, expectedFrom, ifMatchVersion, param, requireTenant } from "./common.js";
import { applyMergePatch, requirePatchObject } from "../merge-patch.js";
import { contentOf, keepSecrets, saveResource } from "./resource-write.js";
import { assertRemovable } from "./resource-validation.js";
import { publicResource } from "./secret-fields.js";

const base = "/api/v1/tenants/{tenant}/resources/{kind}";

/** The kind named by a folder in the path; connections have their own routes. */
function requireKind(deps: ApiDeps, folder: string | undefined): Kind {
  const kind = folder === undefined ? undefined : deps.catalog.byFolder(folder);
  if (!kind || !kind.exported) {
    const known = deps.catalog.kinds().filter((k) => k.exported).map((k) => k.folder);
    throw new NotFoundError(`no kind ${folder ?? ""}`, { kind: folder ?? null, kinds: known });
  }
  return kind;
}

function requireName(params: Record<string, string>): string {
  const name = param(params, "name");
  if (!RESOURCE_NAME.test(name)) {
    throw new GitsyncError("bad_request", "the name must match [a-z0-9][a-z0-9._-]{0,99}", {
      fields: [{ field: "name", message: "must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit" }],
    });
  }
  return name;
}

const withEtag = (status: number, kind: Kind, resource: Resource): Reply => ({
  status,
  body: publicResource(kind, resource) satisfies api.Resource,
  headers: { etag: etagOf(resource.version) },
});

/** The tenant, kind and name a write names, and the live (not archived) resource there, if any. */
async function writeTarget(deps: ApiDeps, params: Record<string, string>) {
  const tenant = await requireTenant(deps.store, params.tenant);
  const kind = requireKind(deps, params.kind);
  const name = requireName(params);
  const current = await deps.store.getResource(tenant.slug, kind.id, name);
  return { tenant, kind, name, live: current && !current.archived ? current : null };
}

const truthy = (value: string | null): boolean => value !== null && /^(1|true|yes)$/i.test(value);

export const resourceRoutes: Route[] = [
  {
    method: "GET",
    path: base,
    access: "viewer",
    handler: async ({ params, query }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      const kind = requireKind(deps, params.kind);
      const project = query.get("project");
      const items = (
        await deps.store.listResources(tenant.slug, kind.id, { includeArchived: truthy(query.get("includeArchived")) })
      ).filter((r) => project === null || r.project === project);
      return { status: 200, body: { items: items.map((r) => publicResource(kind, r)) } satisfies api.ResourceList };
    },
  },
  {
    method: "GET",
    path: `${base}/{name}`,
    access: "viewer",
    handler: async ({ params, query }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      const kind = requireKind(deps, params.kind);
      const name = requireName(params);
      const resource = await deps.store.getResource(tenant.slug, kind.id, name);
      if (!resource || (resource.archived && !truthy(query.get("includeArchived")))) {
        throw new NotFoundError(`no ${kind.id} ${name}`, { kind: kind.folder, name });
      }
      return withEtag(200, kind, resource);
    },
  },
  {
    method: "PUT",
    path: `${base}/{name}`,
    access: "editor",
    handler: async ({ params, body, req, principal }, deps) => {
      const { tenant, kind, name, live } = await writeTarget(deps, params);
      const input = deps.schemas.check(api.ResourceBody, body);

      let expectedVersion: number | null | undefined;
      if (req.headers["if-none-match"] !== undefined) {
        if (req.headers["if-none-match"].trim() !== "*") {
          throw new GitsyncError("bad_request", "If-None-Match accepts only *");
        }
        if (live) throw new GitsyncError("precondition_failed", `${kind.id} ${name} exists (If-None-Match: *)`, { version: live.version });
        expectedVersion = null;
      } else {
        expectedVersion = expectedFrom(ifMatchVersion(req.headers["if-match"]), live, `${kind.id} ${name}`);
        if (typeof expectedVersion === "number" && live?.version !== expectedVersion) {
          throw new GitsyncError("precondition_failed", `${kind.id} ${name} is at version ${live?.version ?? "(none)"}`, {
            version: live?.version ?? null,
            expectedVersion,
          });
        }
      }

      const content = keepSecrets(kind, live?.body, contentOf(deps, kind, name, input));
      const saved = await saveResource(deps, { tenant: tenant.slug, kind, name, content, expectedVersion, principal });
      return withEtag(live ? 200 : 201, kind, saved);
    },
  },
  {
    method: "PATCH",
    path: `${base}/{name}`,
    access: "editor",
    handler: async ({ params, body, req, principal }, deps) => {
      const { tenant, kind, name, live } = await writeTarget(deps, params);
      const patch = requirePatchObject(body);
      if (!live) throw new NotFoundError(`no ${kind.id} ${name}`, { kind: kind.folder, name });
      const expected = expectedFrom(ifMatchVersion(req.headers["if-match"]), live, `${kind.id} ${name}`);
      if (expected !== undefined && expected !== live.version) {
        throw new GitsyncError("precondition_failed", `${kind.id} ${name} is at version ${live.version}`, { version: live.version, expectedVersion: expected });
      }
      // The patch applies to the stored content, secrets included; the version read is the one
      // written over, so a change in between is a 412 rather than lost.
      const content = applyMergePatch(live.body, patch);
      const saved = await saveResource(deps, { tenant: tenant.slug, kind, name, content, expectedVersion: live.version, principal });
      return withEtag(200, kind, saved);
    },
  },
  {
    method: "DELETE",
    path: `${base}/{name}`,
    access: "editor",
    handler: async ({ params, req, principal }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      const kind = requireKind(deps, params.kind);
      const name = requireName(params);
      const current = await deps.store.getResource(tenant.slug, kind.id, name);
      if (!current || current.archived) throw new NotFoundError(`no ${kind.id} ${name}`, { kind: kind.folder, name });
      const expectedVersion = expectedFrom(ifMatchVersion(req.headers["if-match"]), current, `${kind.id} ${name}`);
      if (!principal) throw new GitsyncError("unauthorized", "a token is required");
      const policy = (await deps.store.getGitConnection(tenant.slug)).deletions;
      await assertRemovable(deps, tenant.slug, kind.id, name);
      const actor = actorOf(principal);
      await deps.store.transaction(async (tx) => {
        await tx.deleteResource(tenant.slug, {
          kind: kind.id,
          name,
          ...(expectedVersion !== undefined ? { expectedVersion } : {}),
          actor,
          outbox: true,
          // Only an explicit "delete" policy destroys; otherwise it stays restorable.
          mode: policy === "delete" ? "delete" : "archive",
        });
        await deps.sync.queueFlush(tenant.slug, tx);
      });
      await deps.sync.changed(tenant.slug, { flushQueued: true });
      return { status: 204 };
    },
  },
];
