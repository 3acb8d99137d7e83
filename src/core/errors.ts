/**
 * Errors carry a stable code so the API, the CLI and checks can map them without parsing
 * messages. `details` is safe to show a user: it never holds a secret value.
 */
export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "branch_moved"
  | "merge_conflict"
  | "provider_error"
  | "bad_signature"
  | "config_error"
  | "internal";

export class GitsyncError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "GitsyncError";
    this.code = code;
    this.details = details;
  }
}

/** The expected head of a branch was not its head: someone pushed first. Never overwrite. */
export class BranchMovedError extends GitsyncError {
  readonly branch: string;
  readonly expected: string | null;
  readonly actual: string | null;
  constructor(branch: string, expected: string | null, actual: string | null) {
    super("branch_moved", `branch ${branch} moved: expected ${expected ?? "(none)"}, found ${actual ?? "(none)"}`, {
      branch,
      expected,
      actual,
    });
    this.name = "BranchMovedError";
    this.branch = branch;
    this.expected = expected;
    this.actual = actual;
  }
}

export class NotFoundError extends GitsyncError {
  constructor(message: string, details?: unknown) {
    super("not_found", message, details);
    this.name = "NotFoundError";
  }
}

export class ConflictError extends GitsyncError {
  constructor(message: string, details?: unknown) {
    super("conflict", message, details);
    this.name = "ConflictError";
  }
}

/** Optimistic concurrency: the caller's version (ETag / If-Match) is stale. */
export class PreconditionFailedError extends GitsyncError {
  constructor(message: string, details?: unknown) {
    super("precondition_failed", message, details);
    this.name = "PreconditionFailedError";
  }
}

export class ConfigError extends GitsyncError {
  constructor(message: string, details?: unknown) {
    super("config_error", message, details);
    this.name = "ConfigError";
  }
}
