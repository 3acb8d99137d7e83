import type { CheckAnnotation, CheckHandle, CheckReport } from "../../core/index.js";
import { call } from "./errors.js";
import { GITHUB_CAPABILITIES, type GitHubOctokit } from "./options.js";
import { CheckRunAnswer, CheckRunList, read } from "./schema.js";

interface Target {
  owner: string;
  repo: string;
}

type Level = "notice" | "warning" | "failure";

interface GitHubAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: Level;
  message: string;
  title: string;
}

/** Cuts a summary to GitHub's limit, saying so visibly at the end. */
export function truncateSummary(summary: string, limit = GITHUB_CAPABILITIES.maxSummaryLength): string {
  if (summary.length <= limit) return summary;
  const note = (omitted: number) => `\n\n… truncated: ${omitted} more characters not shown.`;
  // The note's own length depends on the count; one refinement settles it.
  let keep = limit - note(summary.length).length;
  keep = limit - note(summary.length - keep).length;
  return summary.slice(0, keep) + note(summary.length - keep);
}

export function toGitHubAnnotation(annotation: CheckAnnotation): GitHubAnnotation {
  const line = Math.max(1, annotation.line);
  const column = Math.max(1, annotation.column);
  return {
    path: annotation.path,
    start_line: line,
    end_line: line,
    // GitHub accepts columns only when the annotation stays on one line, as ours do.
    start_column: column,
    end_column: column,
    annotation_level: annotation.severity === "error" ? "failure" : "warning",
    message: annotation.message,
    title: annotation.code,
  };
}

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length > 0 ? out : [[]];
}

/** Gitsync's check run on the commit that is still running, if any, on whichever page it is. */
async function runningCheck(octokit: GitHubOctokit, target: Target, report: CheckReport): Promise<number | null> {
  // paginate reads every page and hands back the runs of all of them as one list.
  const runs = await call(`list check runs ${report.name}`, () =>
    octokit.paginate(octokit.rest.checks.listForRef, { ...target, ref: report.sha, check_name: report.name, filter: "latest", per_page: 100 }),
  );
  const running = read(CheckRunList, { check_runs: runs }, "check run list").check_runs.find((run) => run.status !== "completed");
  return running?.id ?? null;
}

/**
 * Publishes the report on gitsync's running check for the commit (the one an earlier
 * in-progress report created), or on a new one. A new run is created in progress with the
 * first 50 annotations; each further 50 is one update, and a completed report finishes on the
 * last update, so a check never shows completed before all its annotations are in. A completed
 * run is never reopened: annotations only accumulate, so a re-run gets a fresh check run.
 */
export async function publishCheckRun(octokit: GitHubOctokit, target: Target, report: CheckReport): Promise<CheckHandle> {
  const groups = batches(report.annotations.map(toGitHubAnnotation), GITHUB_CAPABILITIES.annotationsPerRequest);
  const output = (annotations: GitHubAnnotation[]) => ({
    title: report.title,
    summary: truncateSummary(report.summary),
    ...(annotations.length > 0 ? { annotations } : {}),
  });
  let id = await runningCheck(octokit, target, report);
  let updates = groups;
  if (id === null) {
    const created = await call(`create check run ${report.name}`, () =>
      octokit.rest.checks.create({
        ...target,
        name: report.name,
        head_sha: report.sha,
        status: report.status === "queued" ? "queued" : "in_progress",
        ...(report.detailsUrl ? { details_url: report.detailsUrl } : {}),
        output: output(groups[0] ?? []),
      }),
    );
    id = read(CheckRunAnswer, created.data, "check run").id;
    updates = groups.slice(1);
    if (report.status === "completed" && updates.length === 0) updates = [[]];
  }
  const runId = id;
  for (const [i, annotations] of updates.entries()) {
    const finish = i === updates.length - 1 && report.status === "completed";
    await call(`update check run ${report.name}`, () =>
      octokit.rest.checks.update({
        ...target,
        check_run_id: runId,
        ...(report.detailsUrl ? { details_url: report.detailsUrl } : {}),
        ...(finish ? { status: "completed" as const, conclusion: report.conclusion ?? "neutral" } : {}),
        output: output(annotations),
      }),
    );
  }
  return { id: String(runId) };
}
