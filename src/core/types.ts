/** Domain types shared by every layer. Plain data: no behaviour, no imports. */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type Role = "admin" | "editor" | "viewer";
export const ROLES: readonly Role[] = ["admin", "editor", "viewer"];

export type ProviderName = "local" | "github" | "gitlab" | "bitbucket" | "azure-devops" | "git";
export const PROVIDERS: readonly ProviderName[] = ["local", "github", "gitlab", "bitbucket", "azure-devops", "git"];
export type OutboundMode = "direct" | "pull-request";
export type DeletionPolicy = "keep" | "archive" | "delete";
export type FileFormat = "yaml" | "json";

/** Slug of a tenant: lowercase, `[a-z0-9][a-z0-9-]*`. */
export const TENANT_SLUG = /^[a-z0-9][a-z0-9-]*$/;
/** A resource name is its file's base name, so it must be safe on case-insensitive file systems. */
export const RESOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export interface Tenant {
  slug: string;
  name: string;
  createdAt: string;
}

/** A tenant's one git connection. `token` is write-only: stored encrypted, never returned. */
export interface GitConnection {
  provider: ProviderName;
  repository: string;
  branch: string;
  path: string;
  format: FileFormat;
  outbound: OutboundMode;
  debounceMs: number;
  deletions: DeletionPolicy;
  baseUrl: string | null;
  /** Settings of the `git` provider (any server over HTTPS or SSH); absent for the others. */
  remote?: GitRemoteSettings;
}

/** How gitsync signs in to a plain git server; the secret itself is the connection's token. */
export type GitRemoteAuth = "token" | "password" | "ssh-key";

/** What the `git` provider needs beyond a URL; none of it is secret. */
export interface GitRemoteSettings {
  auth: GitRemoteAuth;
  /** The HTTPS user name (required with a password; with a token, servers that ignore it take any). */
  username: string | null;
  /** The accepted SSH host key (`<type> <base64>`), pinned per connection; null until accepted. */
  hostKey: string | null;
  pollIntervalSeconds: number;
  /** A link for pushed branches, with `{repository}`, `{base}` and `{head}`; null: none. */
  compareUrlTemplate: string | null;
}

export const DEFAULT_GIT_REMOTE: GitRemoteSettings = {
  auth: "token",
  username: null,
  hostKey: null,
  pollIntervalSeconds: 60,
  compareUrlTemplate: null,
};

export const DEFAULT_GIT_CONNECTION: GitConnection = {
  provider: "local",
  repository: "",
  branch: "main",
  path: "",
  format: "yaml",
  outbound: "direct",
  debounceMs: 1000,
  deletions: "archive",
  baseUrl: null,
};

/** Who did something: a person through the API, or a commit author seen in git. */
export interface Actor {
  name: string;
  email: string;
}

/**
 * A resource of some kind. `kind` is the kind's id (`model`, `sync`, ...); `body` is the file's
 * content as JSON, exactly what the API returns and what is written to git.
 */
export interface Resource {
  kind: string;
  name: string;
  body: JsonObject;
  version: number;
  project: string | null;
  archived: boolean;
  updatedBy: string;
  updatedAt: string;
}

/** A connection of the tenant. Credentials are never part of this shape. */
export interface Connection {
  name: string;
  type: string;
  role: string | null;
  host: string | null;
  port: number | null;
  database: string | null;
  username: string | null;
  /** True when the connection was imported or created without credentials. */
  needsCredentials: boolean;
  version: number;
  updatedAt: string;
}

export type Severity = "error" | "warning";

/** One finding about one file, at a 1-based line and column. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  code: string;
  severity: Severity;
  message: string;
}

export type CheckStatus = "queued" | "in_progress" | "completed";
export type CheckConclusion = "success" | "failure" | "neutral";

/** A finding shown on a commit or pull request by a provider's check. */
export interface CheckAnnotation extends Pick<Diagnostic, "line" | "column" | "code" | "severity" | "message"> {
  path: string;
}

export type SyncDirection = "INBOUND" | "OUTBOUND" | "SNAPSHOT" | "IMPORT";
export type SyncStatus = "queued" | "syncing" | "done" | "failed" | "skipped" | "conflict";

export interface SyncLogEntry {
  id: number;
  tenant: string;
  direction: SyncDirection;
  status: SyncStatus;
  commitSha: string | null;
  branch: string | null;
  prUrl: string | null;
  author: string | null;
  files: string[];
  resources: string[];
  error: string | null;
  /** A refused sync's findings: the first MAX_LOG_DIAGNOSTICS of them, errors first. */
  diagnostics: Diagnostic[];
  /** How many findings there were in all (more than `diagnostics` holds when capped). */
  diagnosticCount: number;
  /** What the entry adds that is not an error: a branch reset, how a merge compares with its check. */
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Which side holds a resource the other lacks or holds differently: `git-only` (in the branch,
 * not in the tenant), `app-only` (in the tenant, not in the branch), `differs` (in both, not the same).
 */
export type DriftDirection = "git-only" | "app-only" | "differs";

export interface DriftItem {
  kind: string;
  name: string;
  project: string | null;
  direction: DriftDirection;
}

/** Whether a tenant and its tracked branch hold the same exportable resources, and which differ. */
export interface TenantDrift {
  /** The branch head compared with; null when the branch does not exist. */
  head: string | null;
  lastAppliedSha: string | null;
  inSync: boolean;
  items: DriftItem[];
  checkedAt: string;
}

/** How many findings a sync log entry keeps; `diagnosticCount` tells how many there were. */
export const MAX_LOG_DIAGNOSTICS = 100;

export type OutboxOperation = "upsert" | "delete";

export interface OutboxEntry {
  id: number;
  tenant: string;
  kind: string;
  name: string;
  operation: OutboxOperation;
  version: number;
  actor: Actor;
  createdAt: string;
}

export interface User {
  id: number;
  name: string;
  email: string;
  role: Role;
}

export interface ApiToken {
  id: number;
  userId: number;
  label: string;
  /** Server-wide: the role in every tenant (admin: also the server's own settings). Scoped: the highest grant. */
  role: Role;
  /** False when the token reaches only the tenants in `tenants`. */
  serverWide: boolean;
  /** Roles per tenant slug; on a server-wide token they can only raise its role there. */
  tenants: Record<string, Role>;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}
