import type { CheckAnnotation, CheckReport } from "../../core/index.js";

/**
 * A gitsync check on Bitbucket Cloud is two things: a build status (shown on the commit and the
 * pull request, key `gitsync`) and a Code Insights report of the same key holding the summary
 * and the line annotations. While the check runs there is only the build status.
 */

export const CHECK_KEY = "gitsync";
/** Code Insights: at most 100 annotations per request and 1,000 per report. */
export const ANNOTATIONS_PER_REQUEST = 100;
export const MAX_ANNOTATIONS = 1000;
/** Code Insights report `details` is limited to 2,000 characters. */
export const MAX_REPORT_DETAILS = 2000;
/** A build status description longer than 255 characters is refused. */
const MAX_STATUS_DESCRIPTION = 255;
/** An annotation summary is limited to 450 characters. */
const MAX_ANNOTATION_SUMMARY = 450;

export function cut(text: string, limit: number, note = "…"): string {
  return text.length <= limit ? text : `${text.slice(0, Math.max(0, limit - note.length))}${note}`;
}

export function buildStatusBody(report: CheckReport, url: string) {
  const state = report.status !== "completed" ? ("INPROGRESS" as const) : report.conclusion === "failure" ? ("FAILED" as const) : ("SUCCESSFUL" as const);
  const body = { type: "build", key: CHECK_KEY, state, name: report.name, description: cut(report.title, MAX_STATUS_DESCRIPTION), url };
  // `refname` (commitstatus schema): a status is shown on a pull request only when it names the
  // pull request's source branch.
  return report.ref === undefined ? body : { ...body, refname: report.ref };
}

/** The report of a finished check: a running one is shown by its build status alone. */
export function reportBody(report: CheckReport) {
  const result = report.conclusion === "failure" ? "FAILED" : "PASSED";
  const note = "\n… (cut: the full summary is longer than Bitbucket allows)";
  const body: Record<string, unknown> = {
    title: report.name,
    details: cut(report.summary === "" ? report.title : report.summary, MAX_REPORT_DETAILS, note),
    report_type: "BUG",
    reporter: "gitsync",
    result,
  };
  if (report.detailsUrl) body.link = report.detailsUrl;
  return body;
}

export function annotationBody(annotation: CheckAnnotation, index: number) {
  return {
    external_id: `${CHECK_KEY}-${index + 1}`,
    annotation_type: "BUG",
    path: annotation.path,
    line: Math.max(1, annotation.line),
    summary: cut(`${annotation.code}: ${annotation.message}`, MAX_ANNOTATION_SUMMARY),
    severity: annotation.severity === "error" ? "HIGH" : "MEDIUM",
    result: "FAILED",
  };
}

/** The annotations to send, in request-sized batches; beyond 1,000 they are dropped (the summary says so). */
export function annotationBatches(annotations: CheckAnnotation[]): ReturnType<typeof annotationBody>[][] {
  const kept = annotations.slice(0, MAX_ANNOTATIONS).map(annotationBody);
  const batches: ReturnType<typeof annotationBody>[][] = [];
  for (let i = 0; i < kept.length; i += ANNOTATIONS_PER_REQUEST) batches.push(kept.slice(i, i + ANNOTATIONS_PER_REQUEST));
  return batches;
}
