import type { CheckConclusion, Diagnostic, GitConnection, GitProvider, RepoRef } from "../core/index.js";
import { COMMENT_MARKER } from "../core/index.js";
import { locateFile, validateChange } from "../validation/index.js";
import type { SyncDeps } from "./deps.js";
import { computePlan, type Plan } from "./plan.js";
import { renderPlanMarkdown, truncateMarkdown } from "./plan-markdown.js";
import { CHECK_NAME, diagnosticsToAnnotations } from "./verdict.js";

/**
 * The PR check: what reviewers read. The changed config files at the PR's head are validated
 * against the tenant as it would be after the merge, and the plan says what merging would do.
 * The same plan code applies the merge later, so the check is an exact dry run.
 */

export interface PullRequestTarget {
  number: number;
  headSha: string;
  base: string;
  /** The base branch's sha when the event carries it; otherwise the branch is resolved. */
  baseSha: string | null;
  /** Several tenants in one repository: each gets its own check, named after it. */
  checkName?: string;
  /** False when the caller posts one comment for several tenants itself (default true). */
  comment?: boolean;
}

const SUPERSEDED = "Superseded by a newer commit";

export interface CheckOutcome {
  conclusion: CheckConclusion;
  diagnostics: Diagnostic[];
  plan: Plan | null;
  title: string;
  summary: string;
  /** False when a newer head arrived while this one was evaluated: nothing was published. */
  published: boolean;
}

export class PullRequestCheck {
  /** The newest head seen per pull request: an older evaluation never overwrites a newer one. */
  private readonly newest = new Map<string, string>();

  constructor(private readonly deps: SyncDeps) {}

  async evaluate(tenant: string, pr: PullRequestTarget): Promise<CheckOutcome> {
    const git = await this.deps.store.getGitConnection(tenant);
    const key = `${git.provider}:${git.repository}#${pr.number}:${tenant}`;
    this.newest.set(key, pr.headSha);
    try {
      return await this.run(tenant, git, key, pr);
    } finally {
      // Only in-flight evaluations are remembered; a late older one then finds no match.
      if (this.newest.get(key) === pr.headSha) this.newest.delete(key);
    }
  }

  private async run(tenant: string, git: GitConnection, key: string, pr: PullRequestTarget): Promise<CheckOutcome> {
    const { store, catalog } = this.deps;
    const provider = await this.deps.providers(tenant, git);
    const repo: RepoRef = { repository: git.repository };
    const name = pr.checkName ?? CHECK_NAME;

    const baseSha = pr.baseSha ?? (await provider.resolveRef(repo, pr.base));
    const changed = baseSha === null ? [] : await provider.changedFiles(repo, baseSha, pr.headSha, git.path);
    const config = changed.filter((c) => locateFile(catalog, git.path, c.path) !== null);
    const renamedFrom = changed.flatMap((c) => (c.status === "renamed" && c.previousPath ? [c.previousPath] : []));
    const deletedPaths = [
      ...config.filter((c) => c.status === "deleted").map((c) => c.path),
      ...renamedFrom.filter((p) => locateFile(catalog, git.path, p) !== null),
    ];
    const wanted = config.filter((c) => c.status !== "deleted").map((c) => c.path);

    // No config file changed: answer at once, without reading the tenant.
    if (wanted.length === 0 && deletedPaths.length === 0) {
      const summary = `No configuration file under \`${git.path || "/"}\` changed: nothing for gitsync to check.`;
      const published = await this.publish(provider, git, key, pr, name, "neutral", "No configuration changes", summary, []);
      return { conclusion: "neutral", diagnostics: [], plan: null, title: "No configuration changes", summary, published };
    }

    // A newer head arrived while this diff was read: that evaluation speaks for the PR.
    if (this.newest.get(key) !== pr.headSha) {
      return { conclusion: "neutral", diagnostics: [], plan: null, title: SUPERSEDED, summary: "", published: false };
    }
    await provider.publishCheck({
      repository: git.repository,
      sha: pr.headSha,
      name,
      status: "in_progress",
      title: "Checking configuration",
      summary: `Validating ${wanted.length + deletedPaths.length} changed configuration file(s).`,
      annotations: [],
      pullRequest: pr.number,
    });
    const files = wanted.length === 0 ? [] : await provider.readFiles(repo, pr.headSha, git.path, wanted);
    const current = await store.listResources(tenant, undefined, { includeArchived: true });
    const connections = (await store.listConnections(tenant)).map((c) => c.name);
    const result = validateChange({
      catalog,
      basePath: git.path,
      changed: files,
      deleted: deletedPaths,
      current: current.filter((r) => !r.archived),
      connections,
    });
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    const warnings = result.diagnostics.length - errors.length;
    const plan = computePlan({ current, incoming: result.resources, deleted: result.deleted, deletions: git.deletions });
    const conclusion: CheckConclusion = errors.length > 0 ? "failure" : "success";
    const title =
      errors.length > 0
        ? `${errors.length} error(s) in the configuration${warnings > 0 ? `, ${warnings} warning(s)` : ""}`
        : `Valid: ${plan.counts.create} to create, ${plan.counts.update} to update, ${plan.counts.delete + plan.counts.archive} to delete or archive`;
    const summary = [
      `### gitsync: tenant \`${tenant}\``,
      "",
      errors.length > 0
        ? `**${errors.length} error(s)** must be fixed first: gitsync applies nothing while the configuration is invalid.`
        : "The configuration is valid.",
      // Findings first: when a provider cuts the text, what must be fixed survives the cut.
      ...diagnosticList(result.diagnostics),
      "",
      ...(errors.length > 0 ? ["Once they are fixed, merging does this:", ""] : []),
      renderPlanMarkdown(plan),
    ].join("\n");
    const annotations = diagnosticsToAnnotations(result.diagnostics);
    const published = await this.publish(provider, git, key, pr, name, conclusion, title, summary, annotations, true);
    return { conclusion, diagnostics: result.diagnostics, plan, title, summary, published };
  }

  private async publish(
    provider: GitProvider,
    git: GitConnection,
    key: string,
    pr: PullRequestTarget,
    name: string,
    conclusion: CheckConclusion,
    title: string,
    summary: string,
    annotations: ReturnType<typeof diagnosticsToAnnotations>,
    started = false,
  ): Promise<boolean> {
    const caps = provider.capabilities;
    if (this.newest.get(key) !== pr.headSha) {
      // Superseded after its check was started: close it instead of leaving it running, and
      // leave the comment to the newer head.
      if (started) {
        await provider.publishCheck({
          repository: git.repository,
          sha: pr.headSha,
          name,
          status: "completed",
          conclusion: "neutral",
          title: SUPERSEDED,
          summary: "A newer commit was pushed to this pull request while this one was checked; its check is the one that counts.",
          annotations: [],
          pullRequest: pr.number,
        });
      }
      return false;
    }
    await provider.publishCheck({
      repository: git.repository,
      sha: pr.headSha,
      name,
      status: "completed",
      conclusion,
      title,
      summary: truncateMarkdown(summary, caps.maxSummaryLength),
      annotations,
      pullRequest: pr.number,
    });
    if (pr.comment !== false && this.newest.get(key) === pr.headSha) await postComment(provider, git, pr.number, [{ title, summary }]);
    return true;
  }
}

/**
 * Providers whose pull request page does not show a check's summary get it as gitsync's one
 * comment (found by its hidden marker); several tenants of one repository share it, a section
 * each, so they never overwrite one another.
 */
export async function postComment(
  provider: GitProvider,
  git: GitConnection,
  pullRequest: number,
  sections: { title: string; summary: string }[],
): Promise<void> {
  if (!provider.capabilities.summaryComment || sections.length === 0) return;
  const body = sections.map((s) => `**${s.title}**\n\n${s.summary}`).join("\n\n---\n\n");
  await provider.upsertComment(
    { repository: git.repository },
    pullRequest,
    truncateMarkdown(`${COMMENT_MARKER}\n${body}`, provider.capabilities.maxCommentLength),
  );
}

function diagnosticList(diagnostics: readonly Diagnostic[]): string[] {
  if (diagnostics.length === 0) return [];
  return [
    "",
    "#### Findings",
    "",
    ...diagnostics.map((d) => `- \`${d.file}:${d.line}:${d.column}\` ${d.severity} **${d.code}**: ${d.message}`),
  ];
}
