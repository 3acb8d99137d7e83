import { createHmac, timingSafeEqual } from "node:crypto";
import { GitsyncError, TENANT_SLUG } from "../../core/index.js";
import type { WebhookRequest } from "../../core/index.js";

/**
 * The local webhook: what the post-receive hook POSTs to `/webhooks/local`. One delivery per
 * updated ref, so each delivery maps to exactly one PushEvent.
 */
export const SIGNATURE_HEADER = "x-gitsync-signature";
export const DELIVERY_HEADER = "x-gitsync-delivery";

export interface LocalPushPayload {
  repository: string;
  updates: { before: string; after: string; ref: string }[];
}

export function sign(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

function header(request: WebhookRequest, name: string): string | undefined {
  const found = Object.entries(request.headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found[0] : found;
}

/** Constant-time check of the body's HMAC; throws `bad_signature` without saying why beyond that. */
export function verify(request: WebhookRequest, secret: string): string {
  const given = Buffer.from(header(request, SIGNATURE_HEADER) ?? "", "utf8");
  const expected = Buffer.from(sign(secret, request.rawBody), "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new GitsyncError("bad_signature", "local webhook signature does not match");
  }
  const delivery = header(request, DELIVERY_HEADER);
  if (!delivery) throw new GitsyncError("bad_request", `local webhook without ${DELIVERY_HEADER} header`);
  return delivery;
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Parses a verified body; every field is checked so a malformed hook fails loudly. */
export function parsePayload(rawBody: Buffer): LocalPushPayload {
  let data: unknown;
  try {
    data = JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw new GitsyncError("bad_request", "local webhook body is not JSON");
  }
  const payload = data as Partial<LocalPushPayload> | null;
  if (typeof payload?.repository !== "string" || !TENANT_SLUG.test(payload.repository)) {
    throw new GitsyncError("bad_request", "local webhook: field 'repository' must be a repository name");
  }
  if (!Array.isArray(payload.updates) || payload.updates.length !== 1) {
    throw new GitsyncError("bad_request", "local webhook: field 'updates' must hold exactly one ref update");
  }
  const [update] = payload.updates;
  if (!update || typeof update.ref !== "string" || !OID.test(String(update.before)) || !OID.test(String(update.after))) {
    throw new GitsyncError("bad_request", "local webhook: 'updates[0]' needs 'ref', 'before' and 'after' object ids");
  }
  return { repository: payload.repository, updates: [update] };
}
