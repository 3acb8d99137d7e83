import { createHash } from "node:crypto";
import { GitsyncError } from "../../core/errors.js";
import type { Store } from "../../core/store.js";
import { applyMergePatch, requirePatchObject } from "../merge-patch.js";
import type { Reply, Route } from "../router.js";
import { requireTenant } from "./common.js";
import { gitWrite, splitToken, type GitWrite } from "./git-input.js";

/** The git connection as the API shows it: the token only as `hasToken`. */
export async function gitConnectionView(store: Store, tenant: string) {
  const [connection, token] = await Promise.all([store.getGitConnection(tenant), store.getGitToken(tenant)]);
  return { ...connection, hasToken: token !== null };
}

/**
 * The git connection has no version counter, so its ETag is a digest of what a GET shows: any
 * change to a field (or to whether a token is stored) changes it.
 */
const gitEtag = (view: object): string => `"g${createHash("sha256").update(JSON.stringify(view)).digest("hex").slice(0, 20)}"`;

/** A 412 unless If-Match is absent, `*`, or names the current ETag. */
function checkIfMatch(header: string | string[] | undefined, current: string): void {
  if (header === undefined) return;
  const tags = (Array.isArray(header) ? header.join(",") : header).split(",").map((t) => t.trim().replace(/^W\//, ""));
  if (tags.includes("*") || tags.includes(current)) return;
  throw new GitsyncError("precondition_failed", "the git connection changed since that ETag was issued", { etag: current });
}

async function reply(store: Store, tenant: string): Promise<Reply> {
  const view = await gitConnectionView(store, tenant);
  return { status: 200, body: view, headers: { etag: gitEtag(view) } };
}

type GitView = Awaited<ReturnType<typeof gitConnectionView>>;

/**
 * Writes over `read` when the request's If-Match names it, or always when `guard` is set (a
 * PATCH merged into what it read): the store then refuses, with a 412, a row that changed since.
 */
async function save(store: Store, tenant: string, write: GitWrite, read: GitView, ifMatch: string | string[] | undefined, guard: boolean): Promise<Reply> {
  checkIfMatch(ifMatch, gitEtag(read));
  await store.putGitConnection(tenant, write.connection, write.token, guard || ifMatch !== undefined ? read : undefined);
  return reply(store, tenant);
}

export const gitRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tenants/{tenant}/git",
    access: "admin",
    handler: async ({ params }, { store }) => reply(store, (await requireTenant(store, params.tenant)).slug),
  },
  {
    method: "PUT",
    path: "/api/v1/tenants/{tenant}/git",
    access: "admin",
    handler: async ({ params, body, req }, { store, schemas }) => {
      const tenant = await requireTenant(store, params.tenant);
      const write = gitWrite(schemas, tenant.slug, body);
      return save(store, tenant.slug, write, await gitConnectionView(store, tenant.slug), req.headers["if-match"], false);
    },
  },
  {
    method: "PATCH",
    path: "/api/v1/tenants/{tenant}/git",
    access: "admin",
    handler: async ({ params, body, req }, { store, schemas }) => {
      const tenant = await requireTenant(store, params.tenant);
      const { rest, token } = splitToken(requirePatchObject(body));
      const read = await gitConnectionView(store, tenant.slug);
      const { hasToken: _shown, ...current } = read;
      // A removed field takes its default, exactly as when a PUT leaves it out.
      const merged = applyMergePatch(current, rest);
      return save(store, tenant.slug, gitWrite(schemas, tenant.slug, { ...merged, ...token }), read, req.headers["if-match"], true);
    },
  },
];
