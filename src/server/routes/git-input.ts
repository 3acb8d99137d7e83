import * as api from "../../api/shapes.js";
import { GitsyncError } from "../../core/errors.js";
import { isValidBranchName } from "../../core/refs.js";
import { DEFAULT_GIT_CONNECTION, DEFAULT_GIT_REMOTE, type GitConnection, type JsonObject } from "../../core/types.js";
import type { ApiSchemas, FieldError } from "../schemas.js";
import { normalizeRemote, remoteErrors } from "./git-remote-input.js";

const REPOSITORY: Partial<Record<GitConnection["provider"], { pattern: RegExp; form: string }>> = {
  github: { pattern: /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, form: "owner/name" },
  gitlab: { pattern: /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/, form: "group/project" },
  bitbucket: { pattern: /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, form: "workspace/slug" },
  // Azure DevOps project and repository names may hold spaces; never a slash.
  "azure-devops": { pattern: /^[A-Za-z0-9_.-]+\/[^/\\]*[^/\\\s][^/\\]*\/[^/\\]*[^/\\\s][^/\\]*$/, form: "organization/project/repository" },
};

/** The checks a schema cannot express: per-provider repository forms, ref names, safe paths. */
function semanticErrors(input: GitConnection): FieldError[] {
  const errors: FieldError[] = [];
  const rule = REPOSITORY[input.provider];
  if (rule) {
    if (!rule.pattern.test(input.repository)) {
      errors.push({ field: "repository", message: `must be ${rule.form} for ${input.provider}` });
    }
  }
  if (!isValidBranchName(input.branch)) errors.push({ field: "branch", message: "is not a valid git branch name" });
  const segments = input.path.split("/");
  if (input.path !== "" && (input.path.startsWith("/") || input.path.includes("\\") || segments.some((s) => s === ".." || s === "."))) {
    errors.push({ field: "path", message: "must be a relative folder without . or .. segments" });
  }
  if (input.baseUrl !== null) {
    try {
      new URL(input.baseUrl);
    } catch {
      errors.push({ field: "baseUrl", message: "must be an http(s) URL" });
    }
  }
  if ((input.provider === "local" || input.provider === "git") && input.baseUrl !== null) {
    errors.push({ field: "baseUrl", message: `must be null for the ${input.provider} provider` });
  }
  return [...errors, ...remoteErrors(input)];
}

export interface GitWrite {
  connection: GitConnection;
  /** Undefined when the request gave none (the store then keeps it unless the host changed). */
  token: string | undefined | null;
  /** The `git` provider's webhook secret: undefined keeps the stored one, null clears it. */
  webhookSecret: string | undefined | null;
}

/**
 * A git connection as a PUT body or a merged PATCH gives it: validated against the documented
 * schema, `hasToken` ignored (it is what a GET shows), left-out fields at their defaults, then
 * normalised the way the store keeps it.
 */
export function gitWrite(schemas: ApiSchemas, tenant: string, body: unknown): GitWrite {
  const input = schemas.check(api.GitConnectionInput, body);
  const { token, hasToken: _readOnly, webhookSecret, hasWebhookSecret: _shown, remote, ...given } = input;
  let connection: GitConnection = { ...DEFAULT_GIT_CONNECTION, ...given, ...(remote ? { remote: { ...DEFAULT_GIT_REMOTE, ...remote } } : {}) };
  const fields = semanticErrors(connection);
  if (fields.length > 0) {
    throw new GitsyncError("bad_request", `invalid git connection: ${fields[0]!.field} ${fields[0]!.message}`, { fields });
  }
  // The path is stored without surrounding slashes so `<path>/<folder>` joins cleanly.
  connection.path = connection.path.replace(/^\/+|\/+$/g, "");
  // A local connection always means the tenant's own repository under the data folder.
  if (connection.provider === "local") connection.repository = tenant;
  connection = normalizeRemote(connection);
  return { connection, token, webhookSecret };
}

/** A PATCH body's secrets, taken before merging: in a merge patch `null` would only remove the key. */
export function splitToken(patch: JsonObject): { rest: JsonObject; token: JsonObject } {
  const { token, webhookSecret, ...rest } = patch;
  return { rest, token: { ...(token === undefined ? {} : { token }), ...(webhookSecret === undefined ? {} : { webhookSecret }) } };
}
