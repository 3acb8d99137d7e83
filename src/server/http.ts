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
      "x-content-type-options": "nosniff",
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
 * over these bytes, so they must not be parsed and re-serialised first. A declared length over
 * the limit is refused before any byte is read; a chunked body stops being read as soon as it
 * passes the limit (see `dropUnreadBody` for the rest of it).
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error: Error | null) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (error === null) resolve(Buffer.concat(chunks));
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      done(tooLarge(limit));
    };
    const onEnd = () => done(null);
    const onError = (error: Error) => done(error);
    const onClose = () => done(new GitsyncError("bad_request", "the request body was cut short"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/** How long the rest of a refused body may keep coming (and be dropped) before the connection is cut. */
const LINGER_MS = 2000;

/**
 * For an answer sent before the request's body was read to its end: the rest is read and
 * dropped (holding none of it) so the client sees the answer rather than a reset, and the
 * connection is cut if the body has not ended soon after, so an endless body costs nothing.
 */
export function dropUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  req.resume();
  res.once("finish", () => {
    setTimeout(() => {
      if (!req.complete) req.socket.destroy();
    }, LINGER_MS).unref();
  });
}

/** True when the content-type header names `mediaType` exactly (parameters aside). */
const isMediaType = (header: string, mediaType: string): boolean => (header.split(";")[0] ?? "").trim().toLowerCase() === mediaType;

/**
 * Reads a JSON body up to `limit` bytes: 415 for another content type, 413 over the limit,
 * 400 for bad JSON, and for JSON a config file could not hold (invalid UTF-8, a NUL character,
 * a key twice in one object, nesting past the depth limit), with the rule code in `details`. An
 * empty body reads as undefined. The parser's own message is not passed on: it quotes the body,
 * and the body may hold a credential. `only` narrows the accepted type to one JSON media type (a
 * PATCH's `application/merge-patch+json`), since the type says how the body is to be applied.
 */
export async function readJsonBody(req: IncomingMessage, limit: number, only?: string): Promise<unknown> {
  if (!hasBody(req)) {
    drain(req);
    return undefined;
  }
  const type = req.headers["content-type"] ?? "";
  if (only === undefined ? !JSON_TYPE.test(type) : !isMediaType(type, only)) {
    drain(req);
    throw new GitsyncError("unsupported_media_type", `request body must be ${only ?? "application/json"}`, {
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
