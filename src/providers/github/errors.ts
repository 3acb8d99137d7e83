import { GitsyncError, NotFoundError } from "../../core/index.js";

/** The parts of Octokit's RequestError gitsync looks at. */
interface RequestErrorLike {
  status: number;
  response?: { data?: unknown };
}

export function isRequestError(error: unknown): error is RequestErrorLike {
  return typeof error === "object" && error !== null && typeof (error as { status?: unknown }).status === "number";
}

export function statusOf(error: unknown): number | null {
  return isRequestError(error) ? error.status : null;
}

/** GitHub's `message` from an error body; only this and the status reach our errors. */
export function apiMessage(error: unknown): string {
  if (!isRequestError(error)) return "";
  const data = error.response?.data;
  if (typeof data === "object" && data !== null) {
    const message = (data as { message?: unknown }).message;
    if (typeof message === "string") return message;
  }
  return "";
}

/**
 * Rebuilds a request failure as a GitsyncError from the operation name, the status and
 * GitHub's message only. Octokit's own error carries the request (headers included), so it is
 * never wrapped or passed on: a token must not reach a log or an API answer.
 */
export function providerError(operation: string, error: unknown): GitsyncError {
  if (error instanceof GitsyncError) return error;
  if (!isRequestError(error)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new GitsyncError("provider_error", `GitHub ${operation} failed: ${reason}`);
  }
  const message = apiMessage(error);
  const text = `GitHub ${operation} failed: ${error.status}${message ? ` ${message}` : ""}`;
  if (error.status === 404) return new NotFoundError(text, { status: error.status });
  if (error.status === 401) return new GitsyncError("unauthorized", text, { status: error.status });
  if (error.status === 403) return new GitsyncError("forbidden", text, { status: error.status });
  return new GitsyncError("provider_error", text, { status: error.status });
}

/** Runs one API call and turns its failure into a GitsyncError. */
export async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw providerError(operation, error);
  }
}
