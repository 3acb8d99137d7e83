/**
 * Shapes of the API's answers, as the page reads them (types only: the constants are in
 * constants.js). They are the API's own shapes (src/api), the ones the server validates with
 * and documents, under the names the views use.
 */

import type * as api from "../api/shapes.js";
import type * as core from "../core/types.js";

export type { Diagnostic, Role } from "../core/types.js";
export type Direction = core.SyncDirection;
export type LogStatus = core.SyncStatus;

export type Me = api.Me;
/** `role`: what the caller's token acts with in this tenant (the list holds only tenants it can read). */
export type Tenant = api.Tenant;
export type Project = api.Project;
export type Resource = api.Resource;
/** The token is write-only: the API says only whether one is stored. */
export type GitConnection = api.GitConnection;
export type GitRemoteSettings = NonNullable<GitConnection["remote"]>;
export type TenantStatus = api.TenantStatus;
export type LogEntry = api.SyncLogEntry;
export type LogPage = api.SyncLogPage;

/** The plan of an import or a restore. */
export type PlanItem = api.PlanItem;
export type PlanAction = PlanItem["action"];
export type ImportResult = api.ImportOutcome;
export type RestoreResult = api.RestoreOutcome;
export type TestResult = api.GitTestResults["results"][number];

/** The local provider's pull request, its checks and gitsync's comment. */
export type Pull = api.LocalPull;
export type PullDetail = api.LocalPullDetail;
export type Check = PullDetail["checks"][number];
export type Annotation = Check["annotations"][number];
export type FileDiff = api.FileDiff;
export type Hunk = FileDiff["hunks"][number];

export type ResourceHistory = api.ResourceHistory;
export type HistoryEntry = ResourceHistory["items"][number];
export type ResourceFile = api.ResourceFile;

/** A durable job, as the jobs API lists it (the page shows the failed ones). */
export type FailedJob = api.Job;
/** Whether the tenant and its branch differ, as the drift API reports it. */
export type Drift = api.TenantDrift;
