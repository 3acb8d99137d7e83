import { GitsyncError, type ErrorCode } from "../../core/index.js";
import { retryingFetch, type FetchLike } from "../kit/index.js";
import type { BitbucketRetryOptions } from "./options.js";

/**
 * The `bitbucket` client has no retries and chokes on answers without a content type (the
 * 201 of POST /src has no body), so it runs on this fetch: the provider kit's retry (429,
 * gateway errors, 500 on reads; Retry-After honoured), a timeout per attempt, and a content
 * type on every answer.
 */
export type { FetchLike };

export interface RetryingFetchOptions extends BitbucketRetryOptions {
  fetch: typeof fetch;
  timeoutMs: number;
}

function withContentType(response: Response, contentType: string): Response {
  const headers = new Headers(response.headers);
  headers.set("content-type", contentType);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export function createRetryingFetch(options: RetryingFetchOptions): FetchLike {
  const { fetch: fetchImpl, timeoutMs, ...retry } = options;
  const timed: FetchLike = (url, init) => fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const retrying = retryingFetch(timed, Object.fromEntries(Object.entries(retry).filter(([, v]) => v !== undefined)));
  return async (url, init) => {
    const response = await retrying(url, init);
    return response.headers.get("content-type") ? response : withContentType(response, "text/plain; charset=utf-8");
  };
}

/** Makes the client hand back raw bytes (an ArrayBuffer) whatever the file's media type. */
export function rawBytes(fetchLike: FetchLike): FetchLike {
  return async (url, init) => {
    const response = await fetchLike(url, init);
    return response.ok ? withContentType(response, "application/octet-stream") : response;
  };
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
};

/** The shape of the client's HTTPError; its `request` holds the Authorization header, so it is never kept. */
interface ClientHttpError {
  status?: unknown;
  message?: unknown;
  error?: unknown;
}

export function httpStatus(err: unknown): number | null {
  const status = (err as ClientHttpError | null)?.status;
  return typeof status === "number" ? status : null;
}

function bitbucketMessage(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const error = (body as { error?: { message?: unknown; detail?: unknown } }).error;
  if (!error || typeof error.message !== "string") return null;
  return typeof error.detail === "string" ? `${error.message} (${error.detail})` : error.message;
}

/**
 * A client failure as a GitsyncError. Only the operation, the status and Bitbucket's own error
 * message survive: the client's error object carries the request headers (the token).
 */
export function toGitsyncError(err: unknown, operation: string): GitsyncError {
  if (err instanceof GitsyncError) return err;
  const status = httpStatus(err);
  const detail = bitbucketMessage((err as ClientHttpError | null)?.error);
  const code: ErrorCode = (status !== null && STATUS_CODES[status]) || "provider_error";
  const what = status === null || status === 500 && !detail ? "request failed" : `HTTP ${status}`;
  const reason = detail ?? (typeof (err as ClientHttpError | null)?.message === "string" ? String((err as ClientHttpError).message) : "");
  return new GitsyncError(code, `bitbucket ${operation}: ${what}${reason ? `: ${reason}` : ""}`, { provider: "bitbucket", operation, status });
}
