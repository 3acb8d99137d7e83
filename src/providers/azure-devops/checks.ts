import { GitsyncError, type CheckAnnotation, type CheckHandle, type CheckReport } from "../../core/index.js";
import type { AzureContext } from "./context.js";
import { asObject } from "./mappers.js";
import { syncFindings } from "./threads.js";

/**
 * A check on Azure DevOps: a pull request status (genre `gitsync`, named after the check) when
 * the check is about a pull request, else a commit status. Findings of a completed pull
 * request check become threads at their lines (threads.ts).
 */

export const STATUS_GENRE = "gitsync";
/** Statuses show a one-line description; longer ones are cut. */
export const DESCRIPTION_LIMIT = 255;
/** At most this many finding threads per check: beyond it a pull request becomes unreadable. */
export const MAX_FINDING_THREADS = 50;

export type AzureStatusState = "pending" | "succeeded" | "failed" | "error";

export function statusState(report: Pick<CheckReport, "status" | "conclusion">): AzureStatusState {
  if (report.status !== "completed") return "pending";
  return report.conclusion === "failure" ? "failed" : "succeeded";
}

export function statusDescription(report: Pick<CheckReport, "title" | "annotations">): string {
  const errors = report.annotations.filter((a) => a.severity === "error").length;
  const warnings = report.annotations.length - errors;
  const tally = [errors > 0 ? `${errors} error(s)` : "", warnings > 0 ? `${warnings} warning(s)` : ""].filter((t) => t !== "").join(", ");
  const text = tally === "" ? report.title : `${report.title} (${tally})`;
  return text.length <= DESCRIPTION_LIMIT ? text : `${text.slice(0, DESCRIPTION_LIMIT - 1)}…`;
}

export async function publishCheck(ctx: AzureContext, report: CheckReport): Promise<CheckHandle> {
  const body = {
    state: statusState(report),
    description: statusDescription(report),
    context: { genre: STATUS_GENRE, name: report.name },
    ...(report.detailsUrl === undefined ? {} : { targetUrl: report.detailsUrl }),
  };
  const api = ctx.api(report);
  const url = report.pullRequest === undefined ? `${api}/commits/${report.sha}/statuses` : `${api}/pullRequests/${report.pullRequest}/statuses`;
  const status = asObject(await ctx.client.json<unknown>("POST", url, {}, "status", body), "status");
  const id = status["id"];
  if (typeof id !== "number") throw new GitsyncError("provider_error", 'Azure DevOps status: field "id" should be an integer');
  if (report.pullRequest !== undefined && report.status === "completed") {
    await syncFindings(ctx, report, report.pullRequest, report.name, capped(report.annotations));
  }
  return { id: String(id) };
}

/** Errors first, so the cap never hides an error behind warnings. */
function capped(annotations: CheckAnnotation[]): CheckAnnotation[] {
  const ordered = [...annotations.filter((a) => a.severity === "error"), ...annotations.filter((a) => a.severity !== "error")];
  return ordered.slice(0, MAX_FINDING_THREADS);
}
