import type { Selectable } from "kysely";
import type { LocalCheck, LocalComment, LocalPullRequest } from "../core/local-review.js";
import type { CheckAnnotation, CheckConclusion, CheckStatus } from "../core/git-provider.js";
import type { SyncState } from "../core/store.js";
import type {
  Diagnostic,
  ApiToken,
  Connection,
  DeletionPolicy,
  FileFormat,
  GitConnection,
  GitRemoteSettings,
  JsonObject,
  OutboundMode,
  OutboxEntry,
  OutboxOperation,
  ProviderName,
  Resource,
  Role,
  SyncDirection,
  SyncLogEntry,
  SyncStatus,
  Tenant,
  User,
} from "../core/types.js";
import { DEFAULT_GIT_REMOTE } from "../core/types.js";
import type {
  ApiTokensTable,
  ConnectionsTable,
  GitConnectionsTable,
  LocalChecksTable,
  LocalCommentsTable,
  LocalPullsTable,
  OutboxTable,
  ResourcesTable,
  SyncLogTable,
  SyncStateTable,
  TenantsTable,
  UsersTable,
} from "./schema.js";

/** Row → domain shape. The database holds only values the store wrote, so casts to unions are safe. */

export const toTenant = (r: Selectable<TenantsTable>): Tenant => ({ slug: r.slug, name: r.name, createdAt: r.created_at });

export const toResource = (r: Selectable<ResourcesTable>): Resource => ({
  kind: r.kind,
  name: r.name,
  body: JSON.parse(r.body) as JsonObject,
  version: r.version,
  project: r.project,
  archived: r.archived === 1,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

export const toConnection = (r: Selectable<ConnectionsTable>): Connection => ({
  name: r.name,
  type: r.type,
  role: r.role,
  host: r.host,
  port: r.port,
  database: r.database,
  username: r.username,
  needsCredentials: r.needs_credentials === 1,
  version: r.version,
  updatedAt: r.updated_at,
});

export const toGitConnection = (r: Selectable<GitConnectionsTable>): GitConnection => ({
  provider: r.provider as ProviderName,
  repository: r.repository,
  branch: r.branch,
  path: r.path,
  format: r.format as FileFormat,
  outbound: r.outbound as OutboundMode,
  debounceMs: r.debounce_ms,
  deletions: r.deletions as DeletionPolicy,
  baseUrl: r.base_url,
  ...(r.provider === "git" ? { remote: { ...DEFAULT_GIT_REMOTE, ...(JSON.parse(r.remote ?? "{}") as Partial<GitRemoteSettings>) } } : {}),
});

export const toSyncState = (r: Selectable<SyncStateTable>): SyncState => ({
  lastAppliedSha: r.last_applied_sha,
  lastCommittedSha: r.last_committed_sha,
  updatedAt: r.updated_at,
});

export const toOutboxEntry = (r: Selectable<OutboxTable>): OutboxEntry => ({
  id: r.id,
  tenant: r.tenant,
  kind: r.kind,
  name: r.name,
  operation: r.operation as OutboxOperation,
  version: r.version,
  actor: { name: r.actor_name, email: r.actor_email },
  createdAt: r.created_at,
});

export const toSyncLogEntry = (r: Selectable<SyncLogTable>): SyncLogEntry => ({
  id: r.id,
  tenant: r.tenant,
  direction: r.direction as SyncDirection,
  status: r.status as SyncStatus,
  commitSha: r.commit_sha,
  branch: r.branch,
  prUrl: r.pr_url,
  author: r.author,
  files: JSON.parse(r.files) as string[],
  resources: JSON.parse(r.resources) as string[],
  error: r.error,
  diagnostics: r.diagnostics === null ? [] : (JSON.parse(r.diagnostics) as Diagnostic[]),
  diagnosticCount: r.diagnostic_count,
  note: r.note,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toUser = (r: Pick<Selectable<UsersTable>, "id" | "name" | "email" | "role">): User => ({
  id: r.id,
  name: r.name,
  email: r.email,
  role: r.role as Role,
});

export const toApiToken = (r: Selectable<ApiTokensTable>, tenants: Record<string, Role> = {}): ApiToken => ({
  id: r.id,
  userId: r.user_id,
  label: r.label,
  role: r.role as Role,
  serverWide: r.server_wide === 1,
  tenants,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revoked: r.revoked === 1,
});

export const toLocalPull = (r: Selectable<LocalPullsTable>): LocalPullRequest => ({
  repository: r.repository,
  number: r.number,
  title: r.title,
  body: r.body,
  head: r.head,
  base: r.base,
  headSha: r.head_sha,
  state: r.state as LocalPullRequest["state"],
  mergeCommitSha: r.merge_commit_sha,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toLocalCheck = (r: Selectable<LocalChecksTable>): LocalCheck => ({
  id: r.id,
  repository: r.repository,
  sha: r.sha,
  name: r.name,
  status: r.status as CheckStatus,
  conclusion: r.conclusion as CheckConclusion | null,
  title: r.title,
  summary: r.summary,
  annotations: JSON.parse(r.annotations) as CheckAnnotation[],
  pullRequest: r.pull_request,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toLocalComment = (r: Selectable<LocalCommentsTable>): LocalComment => ({
  repository: r.repository,
  pullRequest: r.pull_request,
  body: r.body,
  updatedAt: r.updated_at,
});
