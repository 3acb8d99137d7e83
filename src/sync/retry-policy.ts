import { GitsyncError } from "../core/index.js";

/**
 * When an outbound commit that failed is tried again. A provider's 4xx answer (other than 408
 * Request Timeout, 409 Conflict and 429 Too Many Requests) says the request itself is wrong:
 * a revoked token, a missing repository, a refused path. Sending it again cannot succeed, so the
 * schedule stops at once. Anything else (a network error, a 5xx, a moved branch) is retried with
 * a doubling delay, a bounded number of times.
 */

/** Retries after the first failure before the schedule gives up. */
export const MAX_OUTBOUND_RETRIES = 8;
export const FIRST_RETRY_DELAY_MS = 2_000;
export const MAX_RETRY_DELAY_MS = 5 * 60_000;

const RETRYABLE_CLIENT_ERRORS = new Set([408, 409, 429]);

/** The HTTP status a provider error carries in its details, when it has one. */
export function providerStatus(error: unknown): number | null {
  if (!(error instanceof GitsyncError)) return null;
  const status = (error.details as { status?: unknown } | null | undefined)?.status;
  return typeof status === "number" ? status : null;
}

export function isPermanentFailure(error: unknown): boolean {
  const status = providerStatus(error);
  return status !== null && status >= 400 && status < 500 && !RETRYABLE_CLIENT_ERRORS.has(status);
}

/** The wait before retry number `failures` (1-based), or null when the schedule stops. */
export function nextRetryDelay(failures: number, error: unknown): number | null {
  if (isPermanentFailure(error) || failures > MAX_OUTBOUND_RETRIES) return null;
  return Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (failures - 1));
}

/** A provider's Retry-After, when its error carries one (milliseconds). */
export function retryAfter(error: unknown): number | null {
  if (!(error instanceof GitsyncError)) return null;
  const value = (error.details as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  return typeof value === "number" && value >= 0 ? value : null;
}

/** How many times a failed job is tried again, and the first wait (doubled each time). */
export interface RetrySchedule {
  retries: number;
  firstDelayMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { retries: MAX_OUTBOUND_RETRIES, firstDelayMs: FIRST_RETRY_DELAY_MS };

/**
 * The wait before a failed job runs again (`attempts` tries made so far), or null when it
 * becomes a failed job: a doubling schedule, never sooner than a provider's Retry-After.
 */
export function jobRetryDelay(attempts: number, error: unknown, schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE): number | null {
  if (isPermanentFailure(error) || attempts > schedule.retries) return null;
  const delay = Math.min(MAX_RETRY_DELAY_MS, schedule.firstDelayMs * 2 ** (attempts - 1));
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(delay, retryAfter(error) ?? 0));
}
