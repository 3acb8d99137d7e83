import type { IncomingMessage, ServerResponse } from "node:http";
import { GitsyncError, type ErrorCode } from "../core/errors.js";
import { readStrictJson } from "../validation/json-text.js";

/** The HTTP status each error code answers with. */
export const STATUS_OF: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  bad_signature: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  branch_moved: 409,
  merge_conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
  config_error: 500,
  not_implemented: 501,
  provider_error: 502,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: unknown };
}

/**
 * The error body sent for any thrown value. Only GitsyncErrors speak for themselves: anything
 * else may carry internals (SQL, stack, a driver's echo of a value), so it becomes "internal".
 */
export function errorBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof GitsyncError && error.code !== "internal" && error.code !== "config_error") {
    return {
      status: STATUS_OF[error.code],
      body: { error: { code: error.code, message: error.message, details: error.details ?? null } },
    };
  }
  return { status: 500, body: { error: { code: "internal", message: "internal error", details: null } } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (status === 204) {
    res.writeHead(204, headers).end();
    return;
  }
  const payload = JSON.stringify(body);
  res
    .writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(payload),
      "cache-control": "no-store",
      ...headers,
    })
    .end(payload);
}

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** True when the request carries a body (declared length above zero, or chunked). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return Number(length) > 0;
  return req.headers["transfer-encoding"] !== undefined;
}

/**
 * The body's bytes exactly as sent, up to `limit` (413 above): webhook signatures are computed
 * over these bytes, so they must not be parsed and re-serialised first.
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) {
    drain(req);
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep reading (and dropping) past the limit so the client sees the 413 instead of a reset.
    if (size > limit) over = true;
    else chunks.push(chunk);
  }
  if (over) throw tooLarge(limit);
  return Buffer.concat(chunks);
}

/**
 * Reads a JSON body up to `limit` bytes: 415 for another content type, 413 over the limit,
 * 400 for bad JSON, and for JSON a config file could not hold (invalid UTF-8, a NUL character,
 * a key twice in one object, nesting past the depth limit), with the rule code in `details`. An empty body reads as undefined. The parser's own message is not passed
 * on: it quotes the body, and the body may hold a credential.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!hasBody(req)) {
    drain(req);
    return undefined;
  }
  const type = req.headers["content-type"] ?? "";
  if (!JSON_TYPE.test(type)) {
    drain(req);
    throw new GitsyncError("unsupported_media_type", "request body must be application/json", {
      contentType: type.split(";")[0] ?? "",
    });
  }
  const bytes = await readRawBody(req, limit);
  if (bytes.toString("utf8").trim() === "") return undefined;
  const read = readStrictJson(bytes, REQUEST_BODY);
  if (read.ok) return read.value;
  // The same rule code a file with these bytes gets, with where in the body it applies.
  const d = read.diagnostic;
  throw new GitsyncError("bad_request", `request body, line ${d.line} column ${d.column}: ${d.message}`, { diagnostics: [d] });
}

/** How a request body is named in its diagnostics. */
const REQUEST_BODY = "(request body)";

function tooLarge(limit: number): GitsyncError {
  return new GitsyncError("payload_too_large", `request body is larger than ${limit} bytes`, { limit });
}

function drain(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}
