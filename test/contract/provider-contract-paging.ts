import { expect, it } from "vitest";
import type { FileChange } from "../../src/core/index.js";
import type { ContractHarness } from "./harness.js";

/**
 * Contract cases that take every list call past its first page. Forges answer a list a page at
 * a time; the hosted harnesses page their lists as their vendors do and register one request
 * per page the list holds, so strict nock fails an adapter that stops at the first page (an
 * unused interceptor) as surely as one that reads a page too many (an unmatched request).
 * Comment lists are taken past their first page by the conversation case next to these.
 * The lists of changed files are by the 1,000-file push: longer than a page of Bitbucket's
 * diffstat and of Azure DevOps' commit diff.
 */

/** More than one page of each list these cases read. */
const PAST_A_PAGE = 120;

export type ContractCommit = (
  changes: FileChange[],
  options?: { branch?: string; createBranch?: boolean; outcome?: "committed" | "empty" | "moved" },
) => Promise<{ sha: string | null }>;

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

export function pagingCases(harness: () => ContractHarness, head: () => string, commit: ContractCommit, flags: { http: boolean; pulls: boolean; checkLists: boolean }): void {
  it("reads every file of a folder listed over more than one page", async () => {
    const h = harness();
    const wide = names("config/wide/model-", PAST_A_PAGE).map((path): FileChange => ({ action: "upsert", path: `${path}.yaml`, content: `name: ${path}\n` }));
    const { sha } = await commit(wide);
    h.expect({ op: "readFiles", sha: sha as string, path: "config" });
    const files = await h.provider.readFiles(h.repo, sha as string, "config");
    expect(files.filter((f) => f.path.startsWith("config/wide/"))).toHaveLength(PAST_A_PAGE);
    expect(files.find((f) => f.path === "config/wide/model-119.yaml")?.content).toEqual(Buffer.from("name: config/wide/model-119\n"));
  });

  it.skipIf(!flags.http || !flags.pulls)("finds its pull request among more open pull requests than a list page", async () => {
    const h = harness();
    if (!h.addPullRequests) throw new Error("a hosted harness adds other people's pull requests");
    await h.addPullRequests(names("someone/topic-", PAST_A_PAGE));
    await commit([{ action: "upsert", path: "config/models/among.yaml", content: "name: among\n" }], { branch: "demo/among", createBranch: true });
    const request = { ...h.repo, head: "demo/among", base: "main", title: "among", body: "" };
    h.expect({ op: "openPullRequest", head: request.head, base: "main", existing: false });
    const opened = await h.provider.openPullRequest(request);
    h.expect({ op: "openPullRequest", head: request.head, base: "main", existing: true });
    const again = await h.provider.openPullRequest(request);
    expect(again).toMatchObject({ number: opened.number, head: "demo/among", base: "main", state: "open" });
  });

  it.skipIf(!flags.http)("resolves a branch whose name starts more branch names than a list page", async () => {
    const h = harness();
    if (!h.addBranches) throw new Error("a hosted harness adds branches");
    await h.addBranches(names("main-", PAST_A_PAGE), head());
    h.expect({ op: "resolveRef", ref: "main", exists: true });
    expect(await h.provider.resolveRef(h.repo, "main")).toBe(head());
    h.expect({ op: "resolveRef", ref: "main-", exists: false });
    expect(await h.provider.resolveRef(h.repo, "main-")).toBeNull();
  });

  it.skipIf(!flags.checkLists)("finds its running check past the first page of a commit's check runs", async () => {
    const h = harness();
    const report = { ...h.repo, sha: head(), name: "gitsync", title: "Validating", summary: "Validating", annotations: [] };
    h.expect({ op: "publishCheck", sha: head(), annotations: 0, status: "in_progress" });
    await h.provider.publishCheck({ ...report, status: "in_progress" });
    // Re-runs finished since: the newest come first, so the running one is on a later page.
    await h.addCheckRuns?.(head(), "gitsync", PAST_A_PAGE);
    h.expect({ op: "publishCheck", sha: head(), annotations: 0, status: "completed" });
    await h.provider.publishCheck({ ...report, status: "completed", conclusion: "success", title: "Valid" });
    const checks = (await h.checks?.(head())) ?? [];
    expect(checks).toHaveLength(PAST_A_PAGE + 1);
    expect(checks.filter((c) => c.status !== "completed")).toEqual([]);
  });
}
