import pRetry from "p-retry";

/**
 * The one retry of hosted providers' HTTP calls (GitLab, Bitbucket; GitHub keeps octokit's own
 * retry and throttling plugins). Built on p-retry; the waits are the kit's own so that a
 * server's Retry-After is honoured and tests can observe waits without timing them.
 *
 * Rule: 429 means the request was not processed, so every method is retried; a gateway error
 * (502, 503, 504) is answered before the application runs, so it is retried too. A 500 may
 * follow a partial write, so only reads (GET, HEAD) are retried on it. Nothing else is: other
 * 4xx cannot succeed by asking again. Waits: Retry-After when the server sends it, otherwise
 * `minDelayMs` doubled per attempt; never more than `maxDelayMs`.
 */

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Attempts after the first one. */
  retries: number;
  /** First backoff without Retry-After, doubled per attempt. */
  minDelayMs: number;
  /** Upper bound for any wait, a server's Retry-After included. */
  maxDelayMs: number;
  /** How waits happen (tests pass a recorder); default a timer. */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 3,
  minDelayMs: 500,
  maxDelayMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Whether an answer with this status is worth asking again (see the rule above). */
export function isRetryable(method: string, status: number): boolean {
  if (status === 429 || status === 502 || status === 503 || status === 504) return true;
  return status === 500 && (method === "GET" || method === "HEAD");
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (header === null || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** What the retry needs to know of an answer, whatever the HTTP client that got it. */
export interface AnswerInfo {
  status: number;
  /** The Retry-After header as sent; null when there is none. */
  retryAfter: string | null;
  /** Frees an answer that is dropped for another try (an unread body). */
  discard?: () => Promise<void>;
}

/** Carries a retryable answer through p-retry; the last one is handed back as the answer. */
class RetryableAnswer<T> extends Error {
  constructor(readonly answer: T) {
    super("retryable answer");
  }
}

/**
 * Asks `call` again by the rule above. The answer that ends the retries (success, a final
 * failure, or the last retryable one) is returned as is: callers turn failures into their own
 * errors. Network failures are not retried here: whether a write reached the server is unknown.
 */
export async function retryingCall<T>(method: string, call: () => Promise<T>, read: (answer: T) => AnswerInfo, partial: Partial<RetryOptions> = {}): Promise<T> {
  const options: RetryOptions = { ...DEFAULT_RETRY, ...partial };
  const verb = method.toUpperCase();
  try {
    return await pRetry(
      async () => {
        const answer = await call();
        if (isRetryable(verb, read(answer).status)) throw new RetryableAnswer(answer);
        return answer;
      },
      {
        retries: options.retries,
        // The kit waits itself (in onFailedAttempt), so p-retry's own timer stays at zero.
        minTimeout: 0,
        maxTimeout: 0,
        randomize: false,
        shouldRetry: ({ error }) => error instanceof RetryableAnswer,
        onFailedAttempt: async ({ error, retriesLeft, retriesConsumed }) => {
          if (!(error instanceof RetryableAnswer) || retriesLeft === 0) return;
          const info = read(error.answer as T);
          await info.discard?.();
          const wait = retryAfterMs(info.retryAfter) ?? options.minDelayMs * 2 ** retriesConsumed;
          await options.sleep(Math.min(wait, options.maxDelayMs));
        },
      },
    );
  } catch (error) {
    if (error instanceof RetryableAnswer) return error.answer as T;
    throw error;
  }
}

/** `fetch` with the rule above (see `retryingCall`). */
export function retryingFetch(fetchImpl: FetchLike, partial: Partial<RetryOptions> = {}): FetchLike {
  return (url, init) =>
    retryingCall(
      init?.method ?? "GET",
      () => fetchImpl(url, init),
      (response) => ({ status: response.status, retryAfter: response.headers.get("retry-after"), discard: async () => void (await response.body?.cancel()) }),
      partial,
    );
}
