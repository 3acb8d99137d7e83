/**
 * Shapes of the API's answers, as the page reads them (types only: the constants are in
 * constants.js). Where an answer is a core type, it is imported from src/core, whose files
 * import nothing outside it, so the browser's type check can read them too.
 */

import type { LocalCheck, LocalPullRequest } from "../core/local-review.js";
import type * as core from "../core/types.js";

export type { Diagnostic, Role } from "../core/types.js";
export type Direction = core.SyncDirection;
export type LogStatus = core.SyncStatus;

export interface Me {
  user: { name: string; email: string; role: core.Role };
  /** serverWide false: the token reaches only `tenants`, each with its role. */
  token: { label: string; role: core.Role; serverWide?: boolean; tenants?: Record<string, core.Role> };
  admin?: boolean;
}

/** `role`: what the caller's token acts with in this tenant (the list holds only tenants it can read). */
export type Tenant = Pick<core.Tenant, "slug" | "name"> & { role?: core.Role };

export interface PendingCounts {
  created: number;
  updated: number;
  deleted: number;
}

export interface Project {
  name: string | null;
  resources: number;
  /** A plain number until the sync work reports the counts per operation. */
  pendingChanges: PendingCounts | number;
}

/** A resource in a listing: without its body. */
export type Resource = Omit<core.Resource, "body" | "version">;

/** The token is write-only: the API says only whether one is stored. */
export interface GitConnection extends core.GitConnection {
  hasToken: boolean;
  /** Provider git only. */
  hasWebhookSecret?: boolean;
}

export type GitRemoteSettings = core.GitRemoteSettings;

export interface TenantStatus {
  git: GitConnection;
  lastAppliedSha: string | null;
  lastCommittedSha: string | null;
  lastCommitAt: string | null;
  waiting: number;
  /** The newest push; `refused` until a later push applies. */
  lastPush?: {
    logId: number;
    commitSha: string | null;
    status: LogStatus;
    refused: boolean;
    error: string | null;
    diagnostics: core.Diagnostic[];
    diagnosticCount: number;
    at: string;
  } | null;
  /** The whole-tenant check made at start. */
  integrity?: { valid: boolean; checkedAt: string; diagnostics: core.Diagnostic[]; diagnosticCount: number } | null;
}

export type LogEntry = Omit<core.SyncLogEntry, "tenant">;

export interface LogPage {
  items: LogEntry[];
  next: number | null;
}

/*
 * The plan as the API shows it: src/sync/plan.ts's types without the stored body and path.
 * They stay restated here because that module imports libraries the browser check cannot read.
 */
export type PlanAction = "create" | "update" | "delete" | "archive" | "keep";

export interface PlanItem {
  action: PlanAction;
  kind: string;
  name: string;
  project: string | null;
  fields?: string[];
  restored?: boolean;
}

export interface ImportResult {
  status: "planned" | "applied" | "invalid" | "missing-connections";
  sha: string;
  plan?: { items: PlanItem[]; counts: Record<string, number> };
  diagnostics?: core.Diagnostic[];
  missing?: string[];
}

export interface TestResult {
  check: string;
  ok: boolean;
  message: string;
  /** Provider git over SSH: the host key the server shows, to accept. */
  hostKey?: { key: string; fingerprint: string };
}

/** The local provider's pull request, as the page reads it. */
export type Pull = Omit<LocalPullRequest, "repository" | "body">;

/** A check of a local pull request: what the API keeps of the stored check. */
export type Check = Pick<LocalCheck, "name" | "status" | "conclusion" | "title" | "summary" | "annotations">;

export interface PullDetail {
  pull: Pull;
  checks: Check[];
  comment: string | null;
  /** Whether the merge is allowed now, and why not. */
  merge: { allowed: boolean; reasons: string[] };
  files: FileDiff[];
}

export type Annotation = Check["annotations"][number];
export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

export interface FileDiff {
  path: string;
  status: "added" | "modified" | "deleted" | "renamed";
  previousPath?: string;
  binary: boolean;
  hunks: Hunk[];
}

export interface HistoryEntry {
  direction: core.SyncDirection | "app" | "git";
  commitSha: string | null;
  author: string | null;
  at: string;
  status: core.SyncStatus | null;
  logId: number | null;
  subject: string | null;
}

export interface ResourceHistory {
  kind: string;
  name: string;
  paths: string[];
  branch: string;
  head: string | null;
  items: HistoryEntry[];
}

export interface ResourceFile {
  path: string;
  sha: string;
  content: string;
  binary: boolean;
}

export interface RestoreResult {
  status: "planned" | "applied" | "unchanged";
  sha: string;
  plan: { items: PlanItem[]; counts: Record<PlanAction, number> };
  logId: number | null;
}

/** A failed durable job, as the jobs API lists it. */
export interface FailedJob {
  id: string | number;
  kind: string;
  state: string;
  error: string | null;
  attempts: number;
  createdAt: string;
  finishedAt: string | null;
}

/** Whether the tenant and its branch differ, as the drift API reports it. */
export interface Drift {
  head: string | null;
  lastAppliedSha: string | null;
  inSync: boolean;
  items: { kind: string; name: string; project: string | null; direction: "git-only" | "app-only" | "differs" }[];
  checkedAt: string;
}
