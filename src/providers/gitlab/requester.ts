import { createRequesterFn, getMatchingRateLimiter, type FormattedResponse, type RequestOptions, type ResourceOptions, type RequesterType } from "@gitbeaker/requester-utils";
import { GitsyncError } from "../../core/index.js";
import { DEFAULT_RETRY as KIT_RETRY, retryingFetch, type FetchLike } from "../kit/index.js";

/**
 * gitbeaker's own request handler retries only 429 and 502, ignores Retry-After and keeps the
 * failed Request (with the PRIVATE-TOKEN header) inside its errors. gitsync supplies its own
 * handler through gitbeaker's documented `requesterFn` extension point: the request building
 * (query strings, body encoding, auth header, rate limiters) stays gitbeaker's, the retry is the
 * provider kit's.
 */

export interface RetryOptions {
  /** Attempts after the first one; default 3. */
  retries: number;
  /** First backoff without Retry-After, doubled per attempt; default 500 ms. */
  baseDelayMs: number;
  /** Upper bound for any wait, including a server's Retry-After; default 60 s. */
  maxDelayMs: number;
  /** Injected so tests can observe waits without timing them; default setTimeout. */
  sleep: (ms: number) => Promise<void>;
  /** The fetch requests go through (the server's counts them); default the platform's. */
  fetch?: typeof fetch;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: KIT_RETRY.retries,
  baseDelayMs: KIT_RETRY.minDelayMs,
  maxDelayMs: KIT_RETRY.maxDelayMs,
  sleep: KIT_RETRY.sleep,
};

/** An HTTP failure from GitLab, safe to log: method, path and GitLab's own message only. */
export class GitLabHttpError extends GitsyncError {
  readonly status: number;
  readonly gitlabMessage: string;
  constructor(method: string, endpoint: string, status: number, gitlabMessage: string) {
    // A refused token is the user's to fix: its own code lets the status and Test connection say so.
    super(status === 401 ? "unauthorized" : status === 403 ? "forbidden" : "provider_error", `GitLab ${method} ${endpoint} failed with ${status}: ${gitlabMessage}`, {
      status,
      method,
      endpoint,
    });
    this.name = "GitLabHttpError";
    this.status = status;
    this.gitlabMessage = gitlabMessage;
  }
}

async function parseBody(response: Response): Promise<FormattedResponse["body"]> {
  if (response.status === 204) return null;
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  if (contentType === "application/json") {
    const text = await response.text();
    return text === "" ? {} : (JSON.parse(text) as FormattedResponse["body"]);
  }
  // Text too stays bytes (raw files are text/plain): decoding here would hide invalid UTF-8.
  return response.blob();
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const json = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message = json.message ?? json.error ?? text;
    return typeof message === "string" ? message : JSON.stringify(message);
  } catch {
    return text.slice(0, 500);
  }
}

function createHandler(retry: RetryOptions) {
  const { baseDelayMs, fetch: fetchImpl, ...rest } = retry;
  return async (endpoint: string, options?: Record<string, unknown>): Promise<FormattedResponse> => {
    const { rateLimiters, prefixUrl, searchParams, method = "GET", headers, body, signal } = (options ?? {}) as RequestOptions;
    const base = prefixUrl === undefined ? undefined : prefixUrl.endsWith("/") ? prefixUrl : `${prefixUrl}/`;
    const url = new URL(endpoint, base);
    url.search = searchParams ?? "";
    const limiter = getMatchingRateLimiter(endpoint, rateLimiters, method);
    // gitbeaker's client-side limiter is asked before every attempt, retries included.
    const limited: FetchLike = async (target, init) => {
      await limiter();
      return fetchImpl === undefined ? fetch(target, init) : fetchImpl(target, init);
    };
    let response: Response;
    try {
      response = await retryingFetch(limited, { ...rest, minDelayMs: baseDelayMs })(url, { method, headers, body: body ?? null, signal: signal ?? null });
    } catch (error) {
      // The cause may carry the request; keep only its message.
      const reason = error instanceof Error ? error.message : String(error);
      throw new GitsyncError("provider_error", `GitLab ${method} ${endpoint} failed: ${reason}`);
    }
    if (response.ok) {
      return { body: await parseBody(response), headers: Object.fromEntries(response.headers.entries()), status: response.status };
    }
    throw new GitLabHttpError(method, endpoint, response.status, await errorMessage(response));
  };
}

/** A gitbeaker `requesterFn` with gitsync's retry policy and token-free errors. */
export function gitlabRequester(retry: RetryOptions): (options: ResourceOptions) => RequesterType {
  return createRequesterFn((_resource, request) => Promise.resolve(request), createHandler(retry));
}
