import { createHash } from "node:crypto";
import * as api from "../../api/shapes.js";
import { GitsyncError } from "../../core/errors.js";
import type { Store } from "../../core/store.js";
import type { JsonObject } from "../../core/types.js";
import { applyMergePatch, requirePatchObject } from "../merge-patch.js";
import type { Reply, Route } from "../router.js";
import { requireTenant } from "./common.js";
import { gitWrite, splitToken, type GitWrite } from "./git-input.js";

/** The git connection as the API shows it: the token only as `hasToken` (and the git provider's webhook secret as `hasWebhookSecret`). */
export async function gitConnectionView(store: Store, tenant: string) {
  const [connection, token] = await Promise.all([store.getGitConnection(tenant), store.getGitToken(tenant)]);
  if (connection.provider !== "git") return { ...connection, hasToken: token !== null };
  const hasWebhookSecret = (await store.getGitWebhookSecret(tenant)) !== null;
  return { ...connection, hasToken: token !== null, hasWebhookSecret };
}

/**
 * A pinned host key belongs to the host it was accepted for: a new URL without a key given in
 * the same request starts unpinned, as a token is dropped when the host changes.
 */
function unpinOnNewUrl(write: GitWrite, read: GitView): GitWrite {
  const remote = write.connection.remote;
  if (!remote || read.repository === write.connection.repository || remote.hostKey !== (read.remote?.hostKey ?? null)) return write;
  return { ...write, connection: { ...write.connection, remote: { ...remote, hostKey: null } } };
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
  return { status: 200, body: view satisfies api.GitConnection, headers: { etag: gitEtag(view) } };
}

type GitView = Awaited<ReturnType<typeof gitConnectionView>>;

/**
 * Writes over `read` when the request's If-Match names it, or always when `guard` is set (a
 * PATCH merged into what it read): the store then refuses, with a 412, a row that changed since.
 */
async function save(store: Store, tenant: string, write: GitWrite, read: GitView, ifMatch: string | string[] | undefined, guard: boolean): Promise<Reply> {
  checkIfMatch(ifMatch, gitEtag(read));
  const { hasWebhookSecret: _shown, ...expected } = read as GitView & { hasWebhookSecret?: boolean };
  const pinned = unpinOnNewUrl(write, read);
  await store.putGitConnection(tenant, pinned.connection, pinned.token, guard || ifMatch !== undefined ? expected : undefined);
  if (pinned.webhookSecret !== undefined) await store.putGitWebhookSecret(tenant, pinned.webhookSecret);
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
    handler: async ({ params, body, req }, { store, schemas, sync }) => {
      const tenant = await requireTenant(store, params.tenant);
      const write = gitWrite(schemas, tenant.slug, body);
      const saved = await save(store, tenant.slug, write, await gitConnectionView(store, tenant.slug), req.headers["if-match"], false);
      await sync.poller.refresh(tenant.slug);
      return saved;
    },
  },
  {
    method: "PATCH",
    path: "/api/v1/tenants/{tenant}/git",
    access: "admin",
    handler: async ({ params, body, req }, { store, schemas, sync }) => {
      const tenant = await requireTenant(store, params.tenant);
      const { rest, token } = splitToken(requirePatchObject(body));
      const read = await gitConnectionView(store, tenant.slug);
      const { hasToken: _shown, hasWebhookSecret: _alsoShown, ...current } = read as GitView & { hasWebhookSecret?: boolean };
      // A removed field takes its default, exactly as when a PUT leaves it out.
      const merged = applyMergePatch(current as unknown as JsonObject, rest);
      const saved = await save(store, tenant.slug, gitWrite(schemas, tenant.slug, { ...merged, ...token }), read, req.headers["if-match"], true);
      await sync.poller.refresh(tenant.slug);
      return saved;
    },
  },
];
