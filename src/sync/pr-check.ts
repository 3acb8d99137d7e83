import type { CheckConclusion, CheckReport, Diagnostic, GitConnection, GitProvider } from "../core/index.js";
import type { SyncDeps } from "./deps.js";
import { diffPaths, planChange, readPaths, type PlannedChange } from "./change-flow.js";
import { conflictLabel } from "./conflicts.js";
import type { Plan } from "./plan.js";
import { renderPlanMarkdown, truncateMarkdown } from "./plan-markdown.js";
import { postComment } from "./pr-comment.js";
import { CHECK_NAME, diagnosticsToAnnotations } from "./verdict.js";

/**
 * The PR check: what reviewers read. It is the inbound flow (change-flow.ts) with apply turned
 * off: the PR's own changes (merge base → head) are validated against the tenant as it would
 * be after the merge and planned, conflicts with unsynced app changes included. The plan's
 * fingerprint is recorded so the merge can say whether it did the same.
 */

export interface PullRequestTarget {
  number: number;
  headSha: string;
  base: string;
  /** The base branch's sha when the event carries it; otherwise the branch is resolved. */
  baseSha: string | null;
  /** The source branch, when known: statuses name it so they attach to the pull request's pipeline. */
  head?: string;
  /** Several tenants in one repository: each gets its own check, named after it. */
  checkName?: string;
  /** False when the caller posts one comment for several tenants itself (default true). */
  comment?: boolean;
  /** The pull request's opening event: gitsync has no comment on it yet. */
  opened?: boolean;
}

/** One evaluation's context: where its check and comment go. */
interface CheckRun {
  tenant: string;
  provider: GitProvider;
  git: GitConnection;
  /** The pull request and tenant (see `newest`). */
  key: string;
  pr: PullRequestTarget;
  name: string;
}

interface Verdict {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  annotations: ReturnType<typeof diagnosticsToAnnotations>;
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
  /** The plan's fingerprint (see plan-fingerprint.ts), when a plan was made. */
  fingerprint?: string;
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
    const provider = await this.deps.providers(tenant, git);
    const at: CheckRun = { tenant, provider, git, key, pr, name: pr.checkName ?? CHECK_NAME };

    const baseSha = pr.baseSha ?? (await provider.resolveRef({ repository: git.repository }, pr.base));
    const paths = baseSha === null ? { wanted: [], deletedPaths: [] } : await diffPaths(this.deps, provider, git, baseSha, pr.headSha);

    // No config file changed: answer at once, without reading the tenant.
    if (paths.wanted.length === 0 && paths.deletedPaths.length === 0) {
      const summary = `No configuration file under \`${git.path || "/"}\` changed: nothing for gitsync to check.`;
      const published = await this.publish(at, { conclusion: "neutral", title: "No configuration changes", summary, annotations: [] });
      return { conclusion: "neutral", diagnostics: [], plan: null, title: "No configuration changes", summary, published };
    }

    // A newer head arrived while this diff was read: that evaluation speaks for the PR.
    if (this.newest.get(key) !== pr.headSha) {
      return { conclusion: "neutral", diagnostics: [], plan: null, title: SUPERSEDED, summary: "", published: false };
    }
    const files = paths.wanted.length + paths.deletedPaths.length;
    await provider.publishCheck(checkReport(at, { status: "in_progress", title: "Checking configuration", summary: `Validating ${files} changed configuration file(s).`, annotations: [] }));
    const change = await readPaths(provider, git, pr.headSha, paths);
    // The inbound flow with apply turned off: the merge runs this same planning.
    const planned = await planChange(this.deps, tenant, git, change);
    const { title, summary, conclusion } = describeCheck(tenant, planned);
    const published = await this.publish(at, { conclusion, title, summary, annotations: diagnosticsToAnnotations(planned.diagnostics) }, true);
    if (published) {
      await this.deps.store.putCheckedPlan(tenant, { pullRequest: pr.number, headSha: pr.headSha, ...planned.digest });
    }
    return { conclusion, diagnostics: planned.diagnostics, plan: planned.plan, title, summary, published, fingerprint: planned.digest.fingerprint };
  }

  private async publish(at: CheckRun, verdict: Verdict, started = false): Promise<boolean> {
    const { provider, key, pr } = at;
    if (this.newest.get(key) !== pr.headSha) {
      // Superseded after its check was started: close it instead of leaving it running, and
      // leave the comment to the newer head.
      if (started) {
        const summary = "A newer commit was pushed to this pull request while this one was checked; its check is the one that counts.";
        await provider.publishCheck(checkReport(at, { status: "completed", conclusion: "neutral", title: SUPERSEDED, summary, annotations: [] }));
      }
      return false;
    }
    const { conclusion, title, summary, annotations } = verdict;
    await provider.publishCheck(checkReport(at, { status: "completed", conclusion, title, summary: truncateMarkdown(summary, provider.capabilities.maxSummaryLength), annotations }));
    if (pr.comment !== false && this.newest.get(key) === pr.headSha) {
      await postComment(this.deps.store, at.tenant, provider, at.git, pr, [{ title, summary }]);
    }
    return true;
  }
}

/** The check of one evaluation, on the pull request's head, named after its source branch when known. */
function checkReport(at: CheckRun, fields: Pick<CheckReport, "status" | "conclusion" | "title" | "summary" | "annotations">): CheckReport {
  const { git, pr, name } = at;
  return { repository: git.repository, sha: pr.headSha, name, pullRequest: pr.number, ...(pr.head === undefined ? {} : { ref: pr.head }), ...fields };
}

function describeCheck(tenant: string, planned: PlannedChange): { title: string; summary: string; conclusion: CheckConclusion } {
  const { errors, plan, conflicts, diagnostics } = planned;
  const warnings = diagnostics.length - errors.length;
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
    ...diagnosticList(diagnostics),
    "",
    ...(errors.length > 0 ? ["Once they are fixed, merging does this:", ""] : []),
    renderPlanMarkdown(plan),
    ...conflictList(conflicts.map(conflictLabel)),
  ].join("\n");
  return { title, summary, conclusion };
}

function conflictList(labels: readonly string[]): string[] {
  if (labels.length === 0) return [];
  return [
    "",
    "#### Conflicts with unsynced app changes",
    "",
    "Changed here and in the app since the last sync. Merging keeps the app's version in the tenant and opens a conflict pull request holding it:",
    "",
    ...labels.map((l) => `- \`${l}\``),
  ];
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
