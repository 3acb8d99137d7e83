import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { GitsyncError, type WebhookRequest } from "../../core/index.js";

/** The header a `git` connection's webhook is signed in: `sha256=<hex>` of the raw body. */
export const SIGNATURE_HEADER = "x-gitsync-signature-256";

/**
 * True when `header` is `sha256=<hex>` of HMAC-SHA256(secret, body), compared in constant time
 * (the same scheme as GitHub's `X-Hub-Signature-256`, so most servers can send it).
 */
export function signatureValid(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== "string" || !/^sha256=[0-9a-f]{64}$/i.test(value)) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(value.slice("sha256=".length), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const ZERO_SHA = "0".repeat(40);

const header = (request: WebhookRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The delivery's id once its signature holds; a bad or missing signature is refused. */
export function verifyDelivery(request: WebhookRequest, secret: string): string {
  if (!signatureValid(secret, request.rawBody, request.headers[SIGNATURE_HEADER])) {
    throw new GitsyncError("bad_signature", "invalid or missing X-Gitsync-Signature-256");
  }
  return header(request, "x-gitsync-delivery") ?? header(request, "x-gitea-delivery") ?? header(request, "x-github-delivery") ?? randomUUID();
}

/** `ref`, `before`, `after` of a push payload (Gitea, Forgejo, GitHub, GitLab shapes); null otherwise. */
export function pushPayload(body: Buffer): { branch: string; before: string; after: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
  const { ref, before, after } = (parsed ?? {}) as Record<string, unknown>;
  const sha = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f]{40}$/.test(value);
  if (typeof ref !== "string" || !ref.startsWith("refs/heads/") || !sha(before) || !sha(after) || after === ZERO_SHA) return null;
  return { branch: ref.slice("refs/heads/".length), before, after };
}
