import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BranchMovedError, GitsyncError, type CheckAnnotation } from "../../../src/core/index.js";
import { AzureDevOpsProvider, MAX_FINDING_THREADS } from "../../../src/providers/azure-devops/index.js";
import { startAzureStandIn, type AzureStandIn } from "../../helpers/azure-devops-server.js";
import { WEBHOOK } from "../../contract/azure-devops-replies.js";

/**
 * Cases the contract suite does not reach, against the loopback Azure DevOps Server stand-in
 * (every request still checked against the REST reference's description).
 */

let azure: AzureStandIn;
let main: string;
const repo = { repository: "acme/Data Platform/config" };
const author = { name: "Ada", email: "ada@example.com" };

beforeAll(async () => {
  azure = await startAzureStandIn();
});
afterAll(async () => {
  await azure?.close();
});
beforeEach(async () => {
  main = await azure.harness.seed({ "config/models/a.yaml": "name: a\n" });
  azure.harness.violations.length = 0;
});

const provider = () => azure.harness.provider;

describe("Azure DevOps provider", () => {
  it("commits on a branch it was asked to create when that branch already stands at the expected head", async () => {
    await provider().createBranch(repo, "feature/x", main);
    const { sha } = await provider().commit({
      ...repo, branch: "feature/x", expectedHead: main, createBranch: true, message: "m", author, committer: author,
      changes: [{ action: "upsert", path: "config/models/b.yaml", content: "name: b\n" }],
    });
    expect(azure.harness.forge.branches.get("feature/x")).toBe(sha);
    expect(azure.harness.forge.commit(sha as string).parents).toEqual([main]);
    expect(azure.harness.served.filter((r) => r === "POST pushes")).toHaveLength(2);
    expect(azure.harness.violations).toEqual([]);
  });

  it("refuses to create a branch that exists, as a moved branch", async () => {
    await provider().createBranch(repo, "taken", main);
    await expect(provider().createBranch(repo, "taken", main)).rejects.toBeInstanceOf(BranchMovedError);
  });

  it("answers false, not an error, for a commit the repository does not hold", async () => {
    expect(await provider().isAncestor(repo, "f".repeat(40), main)).toBe(false);
    expect(await provider().resolveRef(repo, "f".repeat(40))).toBeNull();
  });

  it("caps finding threads, errors first, and cuts a long pull request description", async () => {
    const long = "x".repeat(5000);
    const pr = await provider().openPullRequest({ ...repo, head: "main", base: "main", title: "t", body: long });
    expect(azure.harness.forge.pullRequests.at(-1)?.description).toHaveLength(4000);
    const warning = (i: number): CheckAnnotation => ({ path: "config/models/a.yaml", line: i + 1, column: 1, code: "w", severity: "warning", message: `w${i}` });
    const annotations = [...Array.from({ length: 60 }, (_, i) => warning(i)), { ...warning(99), severity: "error" as const, message: "the error" }];
    await provider().publishCheck({ ...repo, sha: main, name: "gitsync", status: "completed", conclusion: "failure", title: "t", summary: "s", annotations, pullRequest: pr.number });
    const threads = azure.harness.forge.threads.get(pr.number) ?? [];
    expect(threads).toHaveLength(MAX_FINDING_THREADS);
    expect(threads[0]?.comments[0]?.content).toContain("the error");
    expect(azure.harness.violations).toEqual([]);
  });

  it("keeps one thread per finding across runs, and leaves one a reviewer resolved as it is", async () => {
    await provider().createBranch(repo, "again", main);
    const pr = await provider().openPullRequest({ ...repo, head: "again", base: "main", title: "again", body: "" });
    const finding: CheckAnnotation = { path: "config/models/a.yaml", line: 1, column: 7, code: "schema", severity: "error", message: "type is missing" };
    const check = (annotations: CheckAnnotation[]) =>
      provider().publishCheck({ ...repo, sha: main, name: "gitsync", status: "completed", conclusion: "failure", title: "t", summary: "s", annotations, pullRequest: pr.number });
    await check([finding]);
    await check([finding]);
    const threads = () => azure.harness.forge.threads.get(pr.number) ?? [];
    expect(threads()).toHaveLength(1);
    expect(threads()[0]).toMatchObject({ filePath: "/config/models/a.yaml", line: 1, status: "active" });
    (threads()[0] as { status: string }).status = "fixed";
    await check([finding]);
    await check([]);
    expect(threads()).toHaveLength(1);
    expect(threads()[0]?.status).toBe("fixed");
    expect(azure.harness.violations).toEqual([]);
  });

  it("says in words that a token was refused, without the token", async () => {
    const wrong = new AzureDevOpsProvider({ token: "a-wrong-personal-access-token", baseUrl: azure.collection, webhook: WEBHOOK });
    const error = await wrong.resolveRef(repo, "main").then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(GitsyncError);
    expect((error as GitsyncError).message).toContain("the token was refused");
    expect((error as GitsyncError).message).not.toContain("a-wrong-personal-access-token");
  });

  it("names the expected repository form when one is malformed", async () => {
    await expect(provider().resolveRef({ repository: "acme/config" }, "main")).rejects.toThrow(/organization\/project\/repository/);
  });
});
