import type { Actor, CheckAnnotation, FileChange } from "../src/core/index.js";
import type { ContractHarness, ContractStep } from "../test/contract/harness.js";

/**
 * The operations of the request-count benchmark (bench/requests.ts): each is the sequence of
 * port calls the engine makes for it, announced step by step to a contract harness so its
 * forge registers exactly the requests each call may make.
 */

const ACTOR: Actor = { name: "Bench", email: "bench@example.com" };
const PATH = "config";

type Step = ContractStep;

function upserts(count: number, folder: string, variant = 0): FileChange[] {
  return Array.from({ length: count }, (_, i) => ({
    action: "upsert" as const,
    path: `${PATH}/${folder}/model-${i}.yaml`,
    content: `name: model-${i}\ntype: raw_sql\nrawSql: select ${i + variant}\n`,
  }));
}

function findings(count: number, paths: string[]): CheckAnnotation[] {
  return Array.from({ length: count }, (_, i) => ({
    path: paths[i % paths.length] as string,
    line: 1 + (i % 3),
    column: 1,
    code: "schema",
    severity: "error" as const,
    message: `finding ${i}`,
  }));
}

export type Call = [Step, () => Promise<unknown>];

export interface Session {
  h: ContractHarness;
  /** Runs the calls, each announced just before it is made; returns the requests they made. */
  count(calls: Call[]): Promise<number>;
}

async function commit(s: Session, branch: string, expectedHead: string, changes: FileChange[], extra: Partial<Extract<Step, { op: "commit" }>> = {}): Promise<{ sha: string; requests: number }> {
  let sha: string | null = null;
  const create = extra.createBranch === true ? { createBranch: true } : {};
  const requests = await s.count([
    [
      { op: "commit", branch, files: changes.length, outcome: "committed", ...extra },
      async () => ({ sha } = await s.h.provider.commit({ ...s.h.repo, branch, expectedHead, ...create, message: "bench", author: ACTOR, committer: ACTOR, changes })),
    ],
  ]);
  if (sha === null) throw new Error("the bench commit changed nothing");
  return { sha, requests };
}

/** Outbound write of one resource: resolve the branch, look for the file in every format, commit. */
async function outboundWrite(s: Session, head: string): Promise<number> {
  const { provider, repo } = s.h;
  const candidates = ["yaml", "yml", "json"].map((ext) => `${PATH}/models/one.${ext}`);
  const change: FileChange = { action: "upsert", path: candidates[0] as string, content: "name: one\n" };
  return s.count([
    [{ op: "resolveRef", ref: "main", exists: true }, () => provider.resolveRef(repo, "main")],
    [{ op: "readFiles", sha: head, path: PATH, paths: candidates }, () => provider.readFiles(repo, head, PATH, candidates)],
    [
      { op: "commit", branch: "main", files: 1, outcome: "committed", treeRead: true, headRead: true },
      () => provider.commit({ ...repo, branch: "main", expectedHead: head, message: "bench", author: ACTOR, committer: ACTOR, changes: [change] }),
    ],
  ]);
}

/** "Sync changes": read the branch, cut the snapshot branch, one commit of everything, the PR. */
async function snapshot(s: Session, head: string, resources: number): Promise<number> {
  const { provider, repo } = s.h;
  const branch = "bench/2026.01.01.1";
  const changes = upserts(resources, "snapshot");
  return s.count([
    [{ op: "resolveRef", ref: "main", exists: true }, () => provider.resolveRef(repo, "main")],
    [{ op: "readFiles", sha: head, path: PATH }, () => provider.readFiles(repo, head, PATH)],
    [{ op: "resolveRef", ref: branch, exists: false }, () => provider.resolveRef(repo, branch)],
    [{ op: "createBranch", branch, sha: head }, () => provider.createBranch(repo, branch, head)],
    [
      { op: "commit", branch, files: resources, outcome: "committed" },
      () => provider.commit({ ...repo, branch, expectedHead: head, message: "snapshot", author: ACTOR, committer: ACTOR, changes }),
    ],
    [{ op: "openPullRequest", head: branch, base: "main", existing: false }, () => provider.openPullRequest({ ...repo, head: branch, base: "main", title: "Sync", body: "" })],
  ]);
}

/**
 * gitsync's comment as the engine posts it: by the id kept from the pull request's previous
 * check where the provider takes one (none yet on a pull request just opened), else by listing.
 */
async function comment(s: Session, pr: number, kept: Map<number, string>, body: string): Promise<Call> {
  const { provider, repo } = s.h;
  const upsertKept = provider.upsertKeptComment?.bind(provider);
  if (upsertKept !== undefined) {
    const known = kept.get(pr) ?? null;
    const step: Step = { op: "upsertComment", pullRequest: pr, existing: known !== null, kept: known === null ? "none" : "id" };
    return [step, async () => kept.set(pr, await upsertKept(repo, pr, body, known))];
  }
  const existing = ((await s.h.comments?.(pr)) ?? []).length > 0;
  return [{ op: "upsertComment", pullRequest: pr, existing }, () => provider.upsertComment(repo, pr, body)];
}

/** A PR check: the PR's own changes, a check in progress, the changed files, the verdict, the comment. */
async function prCheck(s: Session, fullBase: string, fullHead: string, pr: number, files: string[], annotationCount: number, kept: Map<number, string>): Promise<number> {
  const { provider, repo } = s.h;
  // The commits as the pull request's webhook names them, which is what the engine is given.
  const [base, head] = [fullBase, fullHead].map((sha) => s.h.webhookSha?.(sha) ?? sha) as [string, string];
  const report = { ...repo, sha: head, name: "gitsync", title: "t", summary: "s", pullRequest: pr, ref: "feature" };
  const calls: Call[] = [
    [{ op: "changedFiles", base, head, path: PATH }, () => provider.changedFiles(repo, base, head, PATH)],
    [{ op: "publishCheck", sha: head, annotations: 0, status: "in_progress" }, () => provider.publishCheck({ ...report, status: "in_progress", annotations: [] })],
    [{ op: "readFiles", sha: head, path: PATH, paths: files }, () => provider.readFiles(repo, head, PATH, files)],
    [
      { op: "publishCheck", sha: head, annotations: annotationCount, status: "completed" },
      () => provider.publishCheck({ ...report, status: "completed", conclusion: "failure", annotations: findings(annotationCount, files) }),
    ],
  ];
  if (provider.capabilities.summaryComment) calls.push(await comment(s, pr, kept, `<!-- gitsync -->\nPlan with ${annotationCount} findings`));
  return s.count(calls);
}

/** Applying a push: never backwards, then its own changes, the files, the verdict status. */
async function pushApply(s: Session, before: string, after: string, files: string[]): Promise<number> {
  const { provider, repo } = s.h;
  return s.count([
    [{ op: "isAncestor", ancestor: after, descendant: before }, () => provider.isAncestor(repo, after, before)],
    [{ op: "isAncestor", ancestor: before, descendant: after }, () => provider.isAncestor(repo, before, after)],
    [{ op: "changedFiles", base: before, head: after, path: PATH }, () => provider.changedFiles(repo, before, after, PATH)],
    [{ op: "readFiles", sha: after, path: PATH, paths: files }, () => provider.readFiles(repo, after, PATH, files)],
    [
      { op: "publishCheck", sha: after, annotations: 0, status: "completed" },
      () => provider.publishCheck({ ...repo, sha: after, name: "gitsync", status: "completed", conclusion: "success", title: "t", summary: "s", annotations: [], ref: "main" }),
    ],
  ]);
}

export const OPERATIONS = [
  "commit, 1 file",
  "commit, 1,000 files",
  "outbound write of one resource (resolve, read, commit)",
  "snapshot of 10,000 resources (resolve, read, branch, commit, PR)",
  "PR check, 3 findings (diff, check, read, check, comment)",
  "PR check, 120 findings",
  "push apply, 1,000 files (ancestry ×2, diff, read, status)",
] as const;

/** Every operation on one provider, in order, each on the forge as the previous one left it. */
export async function measure(s: Session, resources: number): Promise<number[]> {
  const main = await s.h.seed({ "README.md": "# bench\n", [`${PATH}/models/seed.yaml`]: "name: seed\n" });
  const one = await commit(s, "main", main, upserts(1, "one"));
  const many = await commit(s, "main", one.sha, upserts(1000, "many"));
  const write = await outboundWrite(s, many.sha);
  const head = (await s.h.head("main")) as string;
  const snap = await snapshot(s, head, resources);
  const three = upserts(3, "feature");
  const feature = await commit(s, "feature", head, three, { createBranch: true });
  s.h.expect({ op: "openPullRequest", head: "feature", base: "main", existing: false });
  const pr = await s.h.provider.openPullRequest({ ...s.h.repo, head: "feature", base: "main", title: "Feature", body: "" });
  const paths = three.map((c) => c.path);
  // The first check is the pull request's opening one; the second, a later one, finds the comment's id kept.
  const kept = new Map<number, string>();
  const checkSmall = await prCheck(s, head, feature.sha, pr.number, paths, 3, kept);
  const checkLarge = await prCheck(s, head, feature.sha, pr.number, paths, 120, kept);
  const pushed = await commit(s, "main", head, upserts(1000, "many", 1));
  const apply = await pushApply(s, head, pushed.sha, upserts(1000, "many").map((c) => c.path));
  return [one.requests, many.requests, write, snap, checkSmall, checkLarge, apply];
}
