import { GitsyncError, NotFoundError, PreconditionFailedError } from "../../core/errors.js";

/** The errors several concerns raise, worded once so the API's messages stay consistent. */

export function badRequest(message: string, field: string): GitsyncError {
  return new GitsyncError("bad_request", message, { field });
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${allowed.join(", ")}`, field);
  }
  return value as T;
}

export function tenantNotFound(tenant: string): NotFoundError {
  return new NotFoundError(`tenant ${tenant} not found`, { tenant });
}

/** A version precondition that does not hold; `version` is null when the row does not exist. */
export function versionMismatch(
  label: string,
  key: Record<string, unknown>,
  expectedVersion: number,
  version: number | null,
): PreconditionFailedError {
  return new PreconditionFailedError(`${label} is at version ${version ?? "(none)"}, not ${expectedVersion}`, {
    ...key,
    expectedVersion,
    version,
  });
}

/** A guarded write whose row moved between the read and the write. */
export function changedConcurrently(label: string, key: Record<string, unknown>, expectedVersion: number | null): PreconditionFailedError {
  return new PreconditionFailedError(`${label} was changed concurrently`, { ...key, expectedVersion });
}
