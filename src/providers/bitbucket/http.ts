import { GitsyncError, type ErrorCode } from "../../core/index.js";
import type { BitbucketRetryOptions } from "./options.js";

/**
 * The `bitbucket` client has no retries and chokes on answers without a content type (the
 * 201 of POST /src has no body), so it runs on this fetch: it retries 5xx and 429 (honouring
 * Retry-After), applies a timeout and gives every answer a content type.
 */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export interface RetryingFetchOptions extends BitbucketRetryOptions {
  fetch: typeof fetch;
  timeoutMs: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function withContentType(response: Response, contentType: string): Response {
  const headers = new Headers(response.headers);
  headers.set("content-type", contentType);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export function createRetryingFetch(options: RetryingFetchOptions): FetchLike {
  const retries = options.retries ?? 3;
  const minDelay = options.minDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const sleep = options.sleep ?? defaultSleep;
  return async (url, init) => {
    for (let attempt = 0; ; attempt++) {
      const response = await options.fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
      if (RETRYABLE.has(response.status) && attempt < retries) {
        const wait = retryAfterMs(response.headers.get("retry-after")) ?? minDelay * 2 ** attempt;
        await response.body?.cancel();
        await sleep(Math.min(wait, maxDelay));
        continue;
      }
      return response.headers.get("content-type") ? response : withContentType(response, "text/plain; charset=utf-8");
    }
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
