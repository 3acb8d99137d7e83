import { GitsyncError } from "../../core/errors.js";
import { signatureValid } from "../../providers/git/index.js";
import type { Route } from "../router.js";
import { param } from "./common.js";

/**
 * `POST /webhooks/git/{tenant}`: a plain git server's push notification. Its body says nothing
 * gitsync trusts; a valid signature (HMAC-SHA256 of the raw body with the connection's own
 * secret, in `X-Gitsync-Signature-256: sha256=<hex>`) only makes gitsync fetch at once, and the
 * fetched branch decides what is applied. Every failure before the signature is checked looks
 * the same, so the route tells nothing about which tenants exist.
 */
export const gitWebhookRoutes: Route[] = [
  {
    method: "POST",
    path: "/webhooks/git/{tenant}",
    access: "public",
    rawBody: true,
    handler: async ({ params, req, body }, deps) => {
      const slug = param(params, "tenant");
      const refuse = (): never => {
        deps.sync.deps.metrics?.webhook("git", "rejected");
        throw new GitsyncError("bad_signature", "invalid or missing X-Gitsync-Signature-256");
      };
      const tenant = await deps.store.getTenant(slug).catch(() => null);
      if (!tenant) return refuse();
      const git = await deps.store.getGitConnection(slug);
      const secret = git.provider === "git" ? await deps.store.getGitWebhookSecret(slug) : null;
      if (secret === null || !signatureValid(secret, body as Buffer, req.headers["x-gitsync-signature-256"])) return refuse();
      deps.sync.deps.metrics?.webhook("git", "accepted");
      // Not awaited: the sender gets its 202 now; a fetch lost to a crash is made by the next poll.
      void deps.sync.poller.pollNow(slug).catch((error: unknown) => deps.sync.deps.log.warn({ tenant: slug, err: error instanceof Error ? error.message : String(error) }, "git fetch after a webhook failed"));
      return { status: 202, body: { accepted: true, fetching: true } };
    },
  },
];

