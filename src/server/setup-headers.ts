import { createHash } from "node:crypto";
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

/**
 * The security headers of Probot's setup pages: the web UI's policy, widened only by what these
 * pages need. Their one inline script and inline form handler are allowed by hash (computed
 * from the page being sent, so a Probot upgrade cannot silently widen or break the policy),
 * and the manifest form may post to GitHub.
 */

const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;
const INLINE_HANDLER = /\son[a-z]+="([^"]*)"/g;

const hash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

export function setupPageHeaders(html: string, githubOrigin: string): Record<string, string> {
  const scripts = [...html.matchAll(INLINE_SCRIPT)].map((m) => hash(m[1] ?? ""));
  const handlers = [...html.matchAll(INLINE_HANDLER)].map((m) => hash(m[1] ?? ""));
  const scriptSrc = ["'self'", ...(handlers.length > 0 ? ["'unsafe-hashes'"] : []), ...new Set([...scripts, ...handlers])];
  return {
    "content-security-policy": [
      "default-src 'none'",
      `script-src ${scriptSrc.join(" ")}`,
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      `form-action 'self' ${githubOrigin}`,
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
}

function text(chunk: unknown): string {
  if (typeof chunk === "string") return chunk;
  return chunk instanceof Uint8Array ? Buffer.from(chunk).toString("utf8") : "";
}

/**
 * Makes every answer written to `res` carry the setup pages' headers. Probot writes its pages as
 * `writeHead(status, headers).end(html)`; the head is held back until the body is known, since
 * the policy names the body's inline scripts. Probot's own cache header (its static files) is
 * kept; anything else is not stored.
 */
export function protectSetupAnswer(res: ServerResponse, githubOrigin: string): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: OutgoingHttpHeaders) => ServerResponse;
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  let head: { status: number; headers: OutgoingHttpHeaders } | null = null;
  res.writeHead = ((status: number, headers?: OutgoingHttpHeaders) => {
    head = { status, headers: headers ?? {} };
    return res;
  }) as ServerResponse["writeHead"];
  res.end = ((chunk?: unknown) => {
    // Node's own end() writes an implicit head through writeHead: it must find the real one.
    res.writeHead = writeHead as ServerResponse["writeHead"];
    res.end = end as ServerResponse["end"];
    const headers: OutgoingHttpHeaders = { "cache-control": "no-store", ...head?.headers, ...setupPageHeaders(text(chunk), githubOrigin) };
    if (head !== null) writeHead(head.status, headers);
    else for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
    return end(chunk);
  }) as ServerResponse["end"];
}
