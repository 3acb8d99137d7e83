import { createHmac, timingSafeEqual } from "node:crypto";

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
