import type { CheckAnnotation, CheckConclusion, Diagnostic, GitProvider, RepoRef } from "../core/index.js";
import { truncateMarkdown } from "./plan-markdown.js";

export const CHECK_NAME = "gitsync";

export function diagnosticsToAnnotations(diagnostics: readonly Diagnostic[]): CheckAnnotation[] {
  return diagnostics.map((d) => ({
    path: d.file,
    line: d.line,
    column: d.column,
    code: d.code,
    severity: d.severity,
    message: d.message,
  }));
}

/**
 * Publishes gitsync's completed check on a commit, within the provider's limits. A provider
 * failure here is reported to the caller: the sync itself already happened (or did not).
 */
export async function publishVerdict(
  provider: GitProvider,
  repo: RepoRef,
  sha: string,
  verdict: { conclusion: CheckConclusion; title: string; summary: string; annotations: CheckAnnotation[]; pullRequest?: number; ref?: string },
): Promise<void> {
  const caps = provider.capabilities;
  await provider.publishCheck({
    repository: repo.repository,
    sha,
    name: CHECK_NAME,
    status: "completed",
    conclusion: verdict.conclusion,
    title: verdict.title,
    summary: truncateMarkdown(verdict.summary, caps.maxSummaryLength),
    annotations: verdict.annotations.slice(0, Number.isFinite(caps.maxAnnotations) ? caps.maxAnnotations : undefined),
    ...(verdict.pullRequest !== undefined ? { pullRequest: verdict.pullRequest } : {}),
    ...(verdict.ref !== undefined ? { ref: verdict.ref } : {}),
  });
}
