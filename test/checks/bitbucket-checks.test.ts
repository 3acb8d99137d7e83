import { describe, expect, it, vi } from "vitest";
import { COMMENT_MARKER, type PullRequestEvent } from "../../src/core/index.js";
import { BITBUCKET_TOKEN, BitbucketFlowForge } from "../helpers/bitbucket-flow-forge.js";
import { evaluateOverlapping, jobDependingOn, LEAKABLE_VALUES, readInvalid as read, validJob } from "../helpers/check-scenarios.js";
import { parseBody, reportCount, useForgeScenario, type RecordedRequest } from "../helpers/gitlab-bitbucket-world.js";
import { ada } from "../helpers/sync-world.js";

/**
 * PR checks on Bitbucket Cloud: pullrequest:created / pullrequest:updated payloads (signed with
 * the webhook secret) go through `SyncService.handleEvent`; the test asserts the exact build
 * status, Code Insights report, annotation and comment requests sent.
 */

const WEB = "https://bitbucket.org/acme/config/commits/";

/** How a check reaches gitsync's comment (see the contract harness's `upsertComment` step). */
type Comment = { existing: boolean; kept?: "id" | "none" | "gone" };
/** A pull request just opened has no comment yet: it is made without listing the conversation. */
const FIRST: Comment = { existing: false, kept: "none" };
/** A later check updates the comment whose id the first one kept. */
const KEPT: Comment = { existing: true, kept: "id" };

describe("pull request checks on Bitbucket", () => {
  const s = useForgeScenario(() => new BitbucketFlowForge());

  async function event(input: Parameters<BitbucketFlowForge["pullRequestWebhook"]>[0]): Promise<PullRequestEvent> {
    const parsed = await s.forge.provider.parseWebhook(s.forge.pullRequestWebhook(input));
    expect(parsed).toMatchObject({ kind: "pull_request", provider: "bitbucket", action: input.action, number: input.id, headSha: input.headSha.slice(0, 12) });
    return parsed as PullRequestEvent;
  }

  /**
   * The requests a full evaluation makes (the payload carries the base, so no ref is resolved;
   * the diffstat names the head in full, so its short hash is not looked up).
   */
  function expectEvaluation(id: number, head: string, files: string[], annotations: number, comment: Comment): void {
    s.forge.expect({ op: "changedFiles", base: s.seed, head, path: "" });
    s.forge.expect({ op: "publishCheck", sha: head, annotations: 0, status: "in_progress" });
    s.forge.expect({ op: "readFiles", sha: head, path: "", paths: files });
    s.forge.expect({ op: "publishCheck", sha: head, annotations, status: "completed" });
    s.forge.expect({ op: "upsertComment", pullRequest: id, ...comment });
  }

  const on = (sha: string, suffix: string, method: string, from = s.mark) =>
    s.recorder.since(from).filter((r) => r.method === method && r.url.pathname.endsWith(`/commit/${sha}${suffix}`));
  const statuses = (sha: string, from = s.mark) => on(sha, "/statuses/build", "POST", from).map(parseBody);
  const reports = (sha: string, from = s.mark) => on(sha, "/reports/gitsync", "PUT", from).map(parseBody) as Record<string, unknown>[];
  const annotationRequests = (sha: string, from = s.mark) => on(sha, "/reports/gitsync/annotations", "POST", from).map(parseBody) as Record<string, unknown>[][];
  const commentWrites = (from = s.mark) => s.recorder.since(from).filter((r) => /\/pullrequests\/\d+\/comments/.test(r.url.pathname) && r.method !== "GET");
  const raw = (r: RecordedRequest | undefined) => (parseBody(r as RecordedRequest) as { content: { raw: string } }).content.raw;

  it("fails a pull request with 120 findings annotated at their lines (2 requests), then updates the one comment in place", async () => {
    const broken = jobDependingOn(120);
    const { id, headSha } = s.forge.openPullRequest("add-load-job", { "jobs/load.yaml": broken.yaml }, ada);
    expectEvaluation(id, headSha, ["jobs/load.yaml"], 120, FIRST);
    const [result] = await s.world.service.handleEvent(await event({ action: "opened", id, source: "add-load-job", target: "main", headSha }));
    expect(result?.outcome).toMatchObject({ conclusion: "failure", published: true });

    expect(statuses(headSha)).toEqual([
      { type: "build", key: "gitsync", state: "INPROGRESS", name: "gitsync", description: "Checking configuration", url: WEB + headSha, refname: "add-load-job" },
      { type: "build", key: "gitsync", state: "FAILED", name: "gitsync", description: "120 error(s) in the configuration", url: WEB + headSha, refname: "add-load-job" },
    ]);
    // The running check is its build status; the report is written once, with the verdict.
    const [failed, ...more] = reports(headSha);
    expect(more).toEqual([]);
    expect(failed).toMatchObject({ title: "gitsync", report_type: "BUG", reporter: "gitsync", result: "FAILED" });
    expect(String(failed?.details).length).toBeLessThanOrEqual(2000);
    expect(String(failed?.details)).toMatch(/^### gitsync: tenant `acme`\n\n\*\*120 error\(s\)\*\* must be fixed/);

    const batches = annotationRequests(headSha);
    expect(batches.map((b) => b.length)).toEqual([100, 20]);
    expect(batches.flat()).toEqual(
      broken.lines.map((l, i) => ({
        external_id: `gitsync-${i + 1}`,
        annotation_type: "BUG",
        path: "jobs/load.yaml",
        line: l.line,
        summary: l.summary,
        severity: "HIGH",
        result: "FAILED",
      })),
    );
    const [posted] = commentWrites();
    expect(posted?.method).toBe("POST");
    const comment = raw(posted);
    expect(comment.startsWith(`${COMMENT_MARKER}\n**120 error(s) in the configuration**\n\n### gitsync: tenant \`acme\``)).toBe(true);
    expect(comment).toContain("- `jobs/load.yaml:5:5` error **missing-reference**: job 'missing-0001'");
    expect(comment).toContain("- `jobs/load.yaml:124:5` error **missing-reference**: job 'missing-0120'");
    reportCount("bitbucket", "failing pull request, 120 findings (created)", s.recorder.since(s.mark).length);

    // A push fixes it: the same comment is updated (PUT), never a second POST.
    s.mark = s.recorder.mark();
    const fixed = s.forge.openPullRequest("add-load-job", { "jobs/load.yaml": validJob }, ada);
    expectEvaluation(id, fixed.headSha, ["jobs/load.yaml"], 0, KEPT);
    const [update] = await s.world.service.handleEvent(await event({ action: "updated", id, source: "add-load-job", target: "main", headSha: fixed.headSha }));
    expect(update?.outcome).toMatchObject({ conclusion: "success", published: true });
    expect(statuses(fixed.headSha).at(-1)).toEqual({
      type: "build",
      key: "gitsync",
      state: "SUCCESSFUL",
      name: "gitsync",
      description: "Valid: 1 to create, 0 to update, 0 to delete or archive",
      url: WEB + fixed.headSha,
      refname: "add-load-job",
    });
    expect(reports(fixed.headSha).at(-1)).toMatchObject({ result: "PASSED" });
    expect(annotationRequests(fixed.headSha)).toEqual([]);
    const writes = commentWrites();
    const ours = s.forge.model.comments.get(id)?.[0];
    expect(writes.map((w) => `${w.method} ${w.url.pathname.replace(/^.*\/pullrequests\//, "pullrequests/")}`)).toEqual([`PUT pullrequests/${id}/comments/${ours?.id}`]);
    expect(raw(writes[0])).toContain("| create | job | `load` |  |");
    expect(await s.forge.harness.comments(id)).toEqual([raw(writes[0])]);
    reportCount("bitbucket", "fixing push (updated, comment edited)", s.recorder.since(s.mark).length);
    expect(await s.world.store.getPullRequestComment("acme", id)).toEqual({ commentId: String(ours?.id) });

    // Merged, the pull request gets no more checks: its comment's id is not kept.
    const merged = { ...(await event({ action: "updated", id, source: "add-load-job", target: "main", headSha: fixed.headSha })), action: "merged" as const };
    expect(await s.world.service.handleEvent(merged)).toEqual([]);
    expect(await s.world.store.getPullRequestComment("acme", id)).toBeNull();
  });

  it("annotates at most 1,000 findings (10 requests) and keeps the comment within 32,000 characters", async () => {
    const broken = jobDependingOn(1050);
    const { id, headSha } = s.forge.openPullRequest("huge", { "jobs/load.yaml": broken.yaml }, ada);
    expectEvaluation(id, headSha, ["jobs/load.yaml"], 1050, FIRST);
    const [result] = await s.world.service.handleEvent(await event({ action: "opened", id, source: "huge", target: "main", headSha }));
    expect(result?.outcome).toMatchObject({ conclusion: "failure" });

    const batches = annotationRequests(headSha);
    expect(batches).toHaveLength(10);
    expect(batches.every((b) => b.length === 100)).toBe(true);
    expect(batches.flat().at(-1)).toMatchObject({ external_id: "gitsync-1000", line: 1004 });
    const details = String(reports(headSha).at(-1)?.details);
    expect(details.length).toBeLessThanOrEqual(2000);
    // Cut at a line, visibly, and the note on the 50 findings left out survives the cut.
    expect(details).toMatch(/\n- `jobs\/load\.yaml:\d+:5` error [^\n]*\n+…\n\n50 more findings are not annotated \(Bitbucket keeps 1000 per report\)\.$/);
    const comment = raw(commentWrites()[0]);
    expect(comment.length).toBeLessThanOrEqual(32_000);
    expect(comment.endsWith("\n\n_… truncated: the full report is longer than this provider allows._\n")).toBe(true);
    reportCount("bitbucket", "1,050 findings (capped)", s.recorder.since(s.mark).length);
  });

  it("answers a pull request that touches no config neutral, without reading the tenant", async () => {
    const { id, headSha } = s.forge.openPullRequest("docs", { "README.md": "# Configuration of acme\n" }, ada);
    const listResources = vi.spyOn(s.world.store, "listResources");
    s.forge.expect({ op: "changedFiles", base: s.seed, head: headSha, path: "" });
    s.forge.expect({ op: "publishCheck", sha: headSha, annotations: 0, status: "completed" });
    s.forge.expect({ op: "upsertComment", pullRequest: id, ...FIRST });
    const [result] = await s.world.service.handleEvent(await event({ action: "opened", id, source: "docs", target: "main", headSha }));
    expect(result?.outcome).toMatchObject({ conclusion: "neutral", plan: null });
    expect(listResources).not.toHaveBeenCalled();
    expect(statuses(headSha)).toEqual([
      { type: "build", key: "gitsync", state: "SUCCESSFUL", name: "gitsync", description: "No configuration changes", url: WEB + headSha, refname: "docs" },
    ]);
    expect(reports(headSha)).toEqual([
      {
        title: "gitsync",
        details: "No configuration file under `/` changed: nothing for gitsync to check.",
        report_type: "BUG",
        reporter: "gitsync",
        result: "PASSED",
      },
    ]);
    reportCount("bitbucket", "pull request without config (neutral)", s.recorder.since(s.mark).length);
  });

  it("ignores pull requests against an untracked branch or repository without a request", async () => {
    const { id, headSha } = s.forge.openPullRequest("feature", { "jobs/load.yaml": validJob }, ada);
    expect(await s.world.service.handleEvent(await event({ action: "opened", id, source: "feature", target: "develop", headSha }))).toEqual([]);
    const elsewhere = await s.forge.provider.parseWebhook(
      s.forge.pullRequestWebhook({ action: "opened", id, source: "feature", target: "main", headSha, repository: "someone/else" }),
    );
    expect(await s.world.service.handleEvent(elsewhere as PullRequestEvent)).toEqual([]);
    expect(s.recorder.since(s.mark)).toEqual([]);
  });

  it("ends with the newest head's verdict when two pushes arrive in quick succession", async () => {
    const first = s.forge.openPullRequest("add-load-job", { "jobs/load.yaml": jobDependingOn(2).yaml }, ada);
    const second = s.forge.openPullRequest("add-load-job", { "jobs/load.yaml": validJob }, ada);
    const older = await event({ action: "opened", id: first.id, source: "add-load-job", target: "main", headSha: first.headSha });
    const newer = await event({ action: "updated", id: first.id, source: "add-load-job", target: "main", headSha: second.headSha });

    // The older evaluation reads its diff, then finds itself superseded: nothing more.
    s.forge.expect({ op: "changedFiles", base: s.seed, head: first.headSha, path: "" });
    // The newer head's event is an update: no comment is kept yet, so the conversation is listed.
    expectEvaluation(first.id, second.headSha, ["jobs/load.yaml"], 0, { existing: false });

    // The older evaluation is still reading the diff when the newer push is evaluated in full.
    const outcomes = await evaluateOverlapping(s, older, newer, (r) => r.url.pathname.includes(`/diffstat/${first.headSha.slice(0, 12)}..`));
    expect(outcomes.newer).toMatchObject({ conclusion: "success", published: true });
    expect(outcomes.older).toMatchObject({ conclusion: "neutral", published: false });
    expect(statuses(second.headSha).map((status) => (status as { state: string }).state)).toEqual(["INPROGRESS", "SUCCESSFUL"]);
    // The superseded head got no status at all (none left running), no annotations and no comment.
    expect(statuses(first.headSha)).toEqual([]);
    expect(annotationRequests(first.headSha)).toEqual([]);
    const comments = await s.forge.harness.comments(first.id);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain("The configuration is valid.");
    reportCount("bitbucket", "two quick pushes (older superseded)", s.recorder.since(s.mark).length);
  });

  it("fails a pull request adding a secret field or a connection file, and the values go nowhere", async () => {
    const { id, headSha } = s.forge.openPullRequest(
      "leak",
      {
        "cluster-definitions/spark-small.yaml": read("secret/cluster-definitions/spark-small.yaml"),
        "connections/warehouse.yaml": read("not-exported/connections/warehouse.yaml"),
      },
      ada,
    );
    expectEvaluation(id, headSha, ["cluster-definitions/spark-small.yaml", "connections/warehouse.yaml"], 2, FIRST);
    const [result] = await s.world.service.handleEvent(await event({ action: "opened", id, source: "leak", target: "main", headSha }));
    expect(result?.outcome).toMatchObject({ conclusion: "failure" });
    expect(annotationRequests(headSha).flat()).toEqual([
      expect.objectContaining({ path: "cluster-definitions/spark-small.yaml", line: 5, summary: expect.stringMatching(/^secret: field 'configuration.accessToken' is secret/) as string }),
      expect.objectContaining({ path: "connections/warehouse.yaml", line: 1, summary: expect.stringMatching(/^not-exported: connection resources are never stored in git/) as string }),
    ]);
    const everything = s.recorder.everything();
    for (const value of [...LEAKABLE_VALUES, BITBUCKET_TOKEN]) expect(everything).not.toContain(value);
  });
});
