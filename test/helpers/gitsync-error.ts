import { expect } from "vitest";
import { GitsyncError } from "../../src/core/index.js";

/** The GitsyncError `promise` rejects with; the test fails if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<GitsyncError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected a GitsyncError, got ${String(error)}`).toBeInstanceOf(GitsyncError);
  return error as GitsyncError;
}
