import type { CheckAnnotation, CheckReport } from "../../core/index.js";

/** GitLab commit statuses have no annotations: the description counts the findings, and the engine's one MR note lists them. */

/** GitLab rejects a commit status description longer than 255 characters. */
export const STATUS_DESCRIPTION_LIMIT = 255;
/** GitLab's note body limit (1,000,000 characters). */
export const NOTE_LIMIT = 1_000_000;

export type GitLabStatusState = "running" | "success" | "failed";

export function statusState(report: Pick<CheckReport, "status" | "conclusion">): GitLabStatusState {
  if (report.status !== "completed") return "running";
  return report.conclusion === "failure" ? "failed" : "success";
}

function counts(annotations: CheckAnnotation[]): string {
  const errors = annotations.filter((a) => a.severity === "error").length;
  const warnings = annotations.length - errors;
  const parts = [];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return parts.join(", ");
}

export function statusDescription(report: Pick<CheckReport, "title" | "annotations">): string {
  const tally = counts(report.annotations);
  const text = tally === "" ? report.title : `${report.title} (${tally})`;
  return text.length <= STATUS_DESCRIPTION_LIMIT ? text : `${text.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…`;
}

