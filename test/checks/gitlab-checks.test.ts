import { describe, expect, it, vi } from "vitest";
import { COMMENT_MARKER, type PullRequestEvent } from "../../src/core/index.js";
import { evaluateOverlapping, LEAKABLE_VALUES, readInvalid as read, validJob } from "../helpers/check-scenarios.js";
import { parseBody, reportCount, useForgeScenario, type RecordedRequest } from "../helpers/gitlab-bitbucket-world.js";
import { GitLabFlowForge } from "../helpers/gitlab-flow-forge.js";
import { ada } from "../helpers/sync-world.js";

/**
 * PR checks on GitLab: merge request hooks (signed with the project's secret token) go through
 * `SyncService.handleEvent`; the test asserts the exact commit status and note requests sent.
 */

/** A job with three broken references (fixture), and the CLI's expected findings for it. */
const brokenJob = read("missing-reference/jobs/load.yaml");
const brokenJobFindings = read("missing-reference/expected.txt")
  .split("\n")
  .filter((l) => l.startsWith("jobs/load.yaml:"));

/** `file:line:col: severity code: message` (the CLI's form) → the note's findings line. */
function findingLine(cli: string): string {
  const m = /^([^:]+):(\d+):(\d+): (\w+) ([\w-]+): (.*)$/.exec(cli);
  if (!m) throw new Error(`not a finding: ${cli}`);
  return `- \`${m[1]}:${m[2]}:${m[3]}\` ${m[4]} **${m[5]}**: ${m[6]}`;
}

describe("merge request checks on GitLab", () => {
  const s = useForgeScenario(() => new GitLabFlowForge());

  async function event(input: Parameters<GitLabFlowForge["mergeRequestWebhook"]>[0]): Promise<PullRequestEvent> {
    const parsed = await s.forge.provider.parseWebhook(s.forge.mergeRequestWebhook(input));
    expect(parsed).toMatchObject({ kind: "pull_request", provider: "gitlab", action: input.action, number: input.iid, headSha: input.headSha, baseSha: null });
    return parsed as PullRequestEvent;
  }

  /** The requests a full evaluation of a merge request makes, in order. */
  function expectEvaluation(iid: number, head: string, files: string[], noteExists: boolean): void {
    s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
    s.forge.expect({ op: "changedFiles", base: s.seed, head, path: "" });
    s.forge.expect({ op: "publishCheck", sha: head, annotations: 0, status: "in_progress" });
    s.forge.expect({ op: "readFiles", sha: head, path: "", paths: files });
    s.forge.expect({ op: "publishCheck", sha: head, annotations: 0, status: "completed" });
    s.forge.expect({ op: "upsertComment", pullRequest: iid, existing: noteExists });
  }

  const statuses = (sha: string, from = s.mark) =>
    s.recorder.since(from).filter((r) => r.method === "POST" && r.url.pathname.endsWith(`/statuses/${sha}`)).map(parseBody);
  const noteRequests = (from = s.mark) => s.recorder.since(from).filter((r) => /\/merge_requests\/\d+\/notes/.test(r.url.pathname) && r.method !== "GET");
  const sent = (r: RecordedRequest) => `${r.method} ${decodeURIComponent(r.url.pathname.replace(/^.*\/projects\/[^/]+\//, ""))}`;

  it("fails a merge request at the broken lines, then updates the one note in place when a push fixes it", async () => {
    const { iid, headSha } = s.forge.openMergeRequest("add-load-job", { "jobs/load.yaml": brokenJob }, ada);
    expectEvaluation(iid, headSha, ["jobs/load.yaml"], false);
    const [result] = await s.world.service.handleEvent(await event({ action: "opened", iid, source: "add-load-job", target: "main", headSha }));
    expect(result?.outcome).toMatchObject({ conclusion: "failure", published: true });

    expect(statuses(headSha)).toEqual([
      { state: "running", name: "gitsync", description: "Checking configuration", ref: "add-load-job" },
      { state: "failed", name: "gitsync", description: "3 error(s) in the configuration (3 errors)", ref: "add-load-job" },
    ]);
    const [created] = noteRequests();
    expect(created?.method).toBe("POST");
    const note = (parseBody(created as RecordedRequest) as { body: string }).body;
    expect(note).toBe(
      [
        COMMENT_MARKER,
        "**3 error(s) in the configuration**",
        "",
        "### gitsync: tenant `acme`",
        "",
        "**3 error(s)** must be fixed first: gitsync applies nothing while the configuration is invalid.",
        "",
        "#### Findings",
        "",
        ...brokenJobFindings.map(findingLine),
        "",
        // The plan of the files as written: what the merge would do once the errors are fixed.
        "Once they are fixed, merging does this:",
        "",
        "**Plan:** 1 to create, 0 to update, 0 to delete or archive.",
        "",
        "#### Project `sales`",
        "",
        "| action | kind | resource | changed fields |",
        "| --- | --- | --- | --- |",
        "| create | job | `load` |  |",
        "",
      ].join("\n"),
    );
    // The tenant is never touched by a check.
    expect(await s.world.store.getResource("acme", "job", "load")).toBeNull();
    reportCount("gitlab", "failing merge request (open)", s.recorder.since(s.mark).length);

    // A push fixes the job: the same note is edited (PUT), never a second POST.
    s.mark = s.recorder.mark();
    const fixed = s.forge.openMergeRequest("add-load-job", { "jobs/load.yaml": validJob }, ada);
    expectEvaluation(iid, fixed.headSha, ["jobs/load.yaml"], true);
    const [update] = await s.world.service.handleEvent(
      await event({ action: "updated", iid, source: "add-load-job", target: "main", headSha: fixed.headSha, oldrev: headSha }),
    );
    expect(update?.outcome).toMatchObject({ conclusion: "success", published: true });
    expect(statuses(fixed.headSha)).toEqual([
      { state: "running", name: "gitsync", description: "Checking configuration", ref: "add-load-job" },
      { state: "success", name: "gitsync", description: "Valid: 1 to create, 0 to update, 0 to delete or archive", ref: "add-load-job" },
    ]);
    const edits = noteRequests();
    expect(edits.map(sent)).toEqual([`PUT merge_requests/${iid}/notes/${s.forge.forge.notes.get(iid)?.[0]?.id}`]);
    const body = (parseBody(edits[0] as RecordedRequest) as { body: string }).body;
    expect(body.split("\n").slice(0, 6)).toEqual([
      COMMENT_MARKER,
      "**Valid: 1 to create, 0 to update, 0 to delete or archive**",
      "",
      "### gitsync: tenant `acme`",
      "",
      "The configuration is valid.",
    ]);
    expect(body).toContain("| create | job | `load` |  |");
    expect(await s.forge.harness.comments(iid)).toEqual([body]);
    reportCount("gitlab", "fixing push (update, note edited)", s.recorder.since(s.mark).length);

    // Reopened with nothing new: the same verdict, and the unchanged note is not written again.
    s.mark = s.recorder.mark();
    s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
    s.forge.expect({ op: "changedFiles", base: s.seed, head: fixed.headSha, path: "" });
    s.forge.expect({ op: "publishCheck", sha: fixed.headSha, annotations: 0, status: "in_progress" });
    s.forge.expect({ op: "readFiles", sha: fixed.headSha, path: "", paths: ["jobs/load.yaml"] });
    s.forge.expect({ op: "publishCheck", sha: fixed.headSha, annotations: 0, status: "completed" });
    s.forge.expectNoteListing(iid);
    await s.world.service.handleEvent(await event({ action: "reopened", iid, source: "add-load-job", target: "main", headSha: fixed.headSha }));
    expect(noteRequests()).toEqual([]);
    expect(await s.forge.harness.comments(iid)).toHaveLength(1);
  });

  it("answers a merge request that touches no config neutral, without reading the tenant", async () => {
    const { iid, headSha } = s.forge.openMergeRequest("docs", { "README.md": "# Configuration of acme\n" }, ada);
    const listResources = vi.spyOn(s.world.store, "listResources");
    s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
    s.forge.expect({ op: "changedFiles", base: s.seed, head: headSha, path: "" });
    s.forge.expect({ op: "publishCheck", sha: headSha, annotations: 0, status: "completed" });
    s.forge.expect({ op: "upsertComment", pullRequest: iid, existing: false });
    const [result] = await s.world.service.handleEvent(await event({ action: "opened", iid, source: "docs", target: "main", headSha }));
    expect(result?.outcome).toMatchObject({ conclusion: "neutral", plan: null });
    expect(listResources).not.toHaveBeenCalled();
    expect(statuses(headSha)).toEqual([{ state: "success", name: "gitsync", description: "No configuration changes", ref: "docs" }]);
    expect(s.recorder.since(s.mark).map(sent)).toEqual([
      "GET repository/commits/main",
      "GET repository/compare",
      `POST statuses/${headSha}`,
      `GET merge_requests/${iid}/notes`,
      `POST merge_requests/${iid}/notes`,
    ]);
    reportCount("gitlab", "merge request without config (neutral)", s.recorder.since(s.mark).length);
  });

  it("ignores merge requests against an untracked branch or repository without a request", async () => {
    const { iid, headSha } = s.forge.openMergeRequest("feature", { "jobs/load.yaml": validJob }, ada);
    expect(await s.world.service.handleEvent(await event({ action: "opened", iid, source: "feature", target: "develop", headSha }))).toEqual([]);
    const elsewhere = await s.forge.provider.parseWebhook(
      s.forge.mergeRequestWebhook({ action: "opened", iid, source: "feature", target: "main", headSha, project: "someone/else" }),
    );
    expect(await s.world.service.handleEvent(elsewhere as PullRequestEvent)).toEqual([]);
    expect(s.recorder.since(s.mark)).toEqual([]);
  });

  it("ends with the newest head's verdict when two pushes arrive in quick succession", async () => {
    const first = s.forge.openMergeRequest("add-load-job", { "jobs/load.yaml": brokenJob }, ada);
    const second = s.forge.openMergeRequest("add-load-job", { "jobs/load.yaml": validJob }, ada);
    const older = await event({ action: "opened", iid: first.iid, source: "add-load-job", target: "main", headSha: first.headSha });
    const newer = await event({ action: "updated", iid: first.iid, source: "add-load-job", target: "main", headSha: second.headSha, oldrev: first.headSha });

    s.forge.expect({ op: "resolveRef", ref: "main", exists: true });
    // The older evaluation reads its diff, then finds itself superseded: nothing more.
    s.forge.expect({ op: "changedFiles", base: s.seed, head: first.headSha, path: "" });
    expectEvaluation(first.iid, second.headSha, ["jobs/load.yaml"], false);

    // The older evaluation is still reading the diff when the newer push is evaluated in full.
    const outcomes = await evaluateOverlapping(
      s,
      older,
      newer,
      (r) => r.url.pathname.endsWith("/repository/compare") && r.url.searchParams.get("to") === first.headSha,
    );
    expect(outcomes.newer).toMatchObject({ conclusion: "success", published: true });
    expect(outcomes.older).toMatchObject({ conclusion: "neutral", published: false });
    expect(statuses(second.headSha).map((status) => (status as { state: string }).state)).toEqual(["running", "success"]);
    // The superseded head got no status at all (none left running) and wrote no note.
    expect(statuses(first.headSha)).toEqual([]);
    const notes = await s.forge.harness.comments(first.iid);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("The configuration is valid.");
    reportCount("gitlab", "two quick pushes (older superseded)", s.recorder.since(s.mark).length);
  });

  it("fails a merge request adding a secret field or a connection file, and the values go nowhere", async () => {
    const secretFile = read("secret/cluster-definitions/spark-small.yaml");
    const connectionFile = read("not-exported/connections/warehouse.yaml");
    const { iid, headSha } = s.forge.openMergeRequest(
      "leak",
      { "cluster-definitions/spark-small.yaml": secretFile, "connections/warehouse.yaml": connectionFile },
      ada,
    );
    expectEvaluation(iid, headSha, ["cluster-definitions/spark-small.yaml", "connections/warehouse.yaml"], false);
    const [result] = await s.world.service.handleEvent(await event({ action: "opened", iid, source: "leak", target: "main", headSha }));
    expect(result?.outcome).toMatchObject({ conclusion: "failure" });
    expect(statuses(headSha).at(-1)).toEqual({ state: "failed", name: "gitsync", description: "2 error(s) in the configuration (2 errors)", ref: "leak" });
    const note = (parseBody(noteRequests()[0] as RecordedRequest) as { body: string }).body;
    expect(note).toContain(findingLine(read("secret/expected.txt").trim()));
    expect(note).toContain(findingLine(read("not-exported/expected.txt").trim()));
    const everything = s.recorder.everything();
    for (const value of LEAKABLE_VALUES) expect(everything).not.toContain(value);
  });
});
