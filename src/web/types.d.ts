/** Shapes of the API's answers, as the page reads them (types only: the constants are in constants.js). */

export type Role = "admin" | "editor" | "viewer";
export type Direction = "INBOUND" | "OUTBOUND" | "SNAPSHOT" | "IMPORT";
export type LogStatus = "queued" | "syncing" | "done" | "failed" | "skipped" | "conflict";

export interface Me {
  user: { name: string; email: string; role: Role };
  token: { label: string; role: Role };
}

export interface Tenant {
  slug: string;
  name: string;
}

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

export interface Resource {
  kind: string;
  name: string;
  project: string | null;
  archived: boolean;
  updatedBy: string;
  updatedAt: string;
}

export interface GitConnection {
  provider: "local" | "github" | "gitlab" | "bitbucket";
  repository: string;
  branch: string;
  path: string;
  format: "yaml" | "json";
  outbound: "direct" | "pull-request";
  debounceMs: number;
  deletions: "keep" | "archive" | "delete";
  baseUrl: string | null;
  hasToken: boolean;
}

export interface TenantStatus {
  git: GitConnection;
  lastAppliedSha: string | null;
  lastCommittedSha: string | null;
  lastCommitAt: string | null;
  waiting: number;
}

export interface LogEntry {
  id: number;
  direction: Direction;
  status: LogStatus;
  commitSha: string | null;
  branch: string | null;
  prUrl: string | null;
  author: string | null;
  files: string[];
  resources: string[];
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LogPage {
  items: LogEntry[];
  next: number | null;
}

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  code: string;
  severity: "error" | "warning";
  message: string;
}

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
  diagnostics?: Diagnostic[];
  missing?: string[];
}

export interface TestResult {
  check: string;
  ok: boolean;
  message: string;
}

export interface Pull {
  number: number;
  title: string;
  head: string;
  base: string;
  headSha: string;
  state: "open" | "merged" | "closed";
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Check {
  name: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  annotations: { path: string; line: number; column: number; code: string; severity: string; message: string }[];
}

export interface PullDetail {
  pull: Pull;
  checks: Check[];
  comment: string | null;
}
