/**
 * One retry loop for hosted providers' HTTP calls: transient answers (429, 5xx) are tried again
 * after the server's Retry-After when it gives one, else after an exponential pause. Anything
 * else is the caller's answer, returned at once.
 */

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  /** The longest pause honoured, whatever Retry-After asks. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

export interface RetryableAnswer {
  status: number;
  /** The Retry-After header as sent, when there is one. */
  retryAfter?: string | null;
}

export function isTransient(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Retry-After as seconds or an HTTP date, in milliseconds; null when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export async function withRetry<T extends RetryableAnswer>(call: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<T> {
  let answer = await call();
  for (let attempt = 1; attempt < policy.attempts && isTransient(answer.status); attempt += 1) {
    const asked = retryAfterMs(answer.retryAfter);
    const delay = Math.min(policy.maxDelayMs, asked ?? policy.baseDelayMs * 2 ** (attempt - 1));
    await new Promise((resolve) => setTimeout(resolve, delay));
    answer = await call();
  }
  return answer;
}
