import { COMMENT_MARKER, type CheckAnnotation, type CheckReport } from "../../core/index.js";

/** GitLab commit statuses have no annotations: findings go into the description and the MR note. */

/** GitLab rejects a commit status description longer than 255 characters. */
export const STATUS_DESCRIPTION_LIMIT = 255;
/** How many findings are written out in the note; the rest are counted. */
export const NOTE_ANNOTATION_LIMIT = 50;
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

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** The MR note for a check: marker, title, summary, the first 50 findings, the rest counted. */
export function checkNote(report: Pick<CheckReport, "name" | "title" | "summary" | "annotations">): string {
  const lines = [COMMENT_MARKER, `### ${report.name}: ${report.title}`, "", report.summary.trim()];
  const shown = report.annotations.slice(0, NOTE_ANNOTATION_LIMIT);
  if (shown.length > 0) {
    lines.push("", "| file | line | severity | code | message |", "| --- | --- | --- | --- | --- |");
    for (const a of shown) {
      lines.push(`| ${escapeCell(a.path)} | ${a.line}:${a.column} | ${a.severity} | ${escapeCell(a.code)} | ${escapeCell(a.message)} |`);
    }
  }
  const rest = report.annotations.length - shown.length;
  if (rest > 0) lines.push("", `… and ${rest} more finding${rest === 1 ? "" : "s"} not shown.`);
  const body = lines.join("\n");
  const notice = "\n\n… (cut to GitLab's note length limit)";
  return body.length <= NOTE_LIMIT ? body : body.slice(0, NOTE_LIMIT - notice.length) + notice;
}
