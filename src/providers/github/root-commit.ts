import type { CommitRequest, FileChange } from "../../core/index.js";
import { BranchMovedError } from "../../core/index.js";
import { call, providerError, statusOf } from "./errors.js";
import type { GitHubOctokit } from "./options.js";
import { ContentsAnswer, read, ShaAnswer } from "./schema.js";

interface Target {
  owner: string;
  repo: string;
}

type Upsert = Extract<FileChange, { action: "upsert" }>;
type Entry = { path: string; mode: "100644"; type: "blob"; sha?: string | null; content?: string };

/**
 * The root commit of a branch that does not exist yet: a tree of its files alone, a commit
 * without parents, a new ref. In an empty repository GitHub's Git Data API refuses every write
 * (409 "Git Repository is empty"): the Contents API is the only way in, and it commits one
 * file. So the first file goes through it, and when there are more, the one root commit of all
 * of them replaces that bootstrap commit (a forced move from it, on a branch seconds old).
 */
export async function commitRoot(
  octokit: GitHubOctokit,
  target: Target,
  request: CommitRequest,
  entries: Entry[],
  files: Upsert[],
): Promise<string> {
  let bootstrap: string | null = null;
  let tree: string;
  try {
    // No retries: the answer for an empty repository is a 409, which the retry plugin repeats.
    const first = await octokit.rest.git.createTree({ ...target, tree: entries, request: { retries: 0 } });
    tree = read(ShaAnswer, first.data, "tree").sha;
  } catch (error) {
    if (statusOf(error) !== 409) throw providerError("create tree", error);
    bootstrap = await firstFile(octokit, target, request, files[0]!);
    if (files.length === 1) return bootstrap;
    tree = read(ShaAnswer, (await call("create tree", () => octokit.rest.git.createTree({ ...target, tree: entries }))).data, "tree").sha;
  }
  const commit = await call("create commit", () =>
    octokit.rest.git.createCommit({
      ...target,
      message: request.message,
      tree,
      parents: [],
      author: { name: request.author.name, email: request.author.email },
      committer: { name: request.committer.name, email: request.committer.email },
    }),
  );
  const commitSha = read(ShaAnswer, commit.data, "commit").sha;
  const ref = { ...target, sha: commitSha };
  try {
    if (bootstrap === null) await octokit.rest.git.createRef({ ...ref, ref: `refs/heads/${request.branch}` });
    else await octokit.rest.git.updateRef({ ...ref, ref: `heads/${request.branch}`, force: true });
  } catch (error) {
    // 422: the branch was created meanwhile by someone else.
    if (statusOf(error) === 422) throw new BranchMovedError(request.branch, null, null);
    throw providerError(`create branch ${request.branch}`, error);
  }
  return commitSha;
}

async function firstFile(octokit: GitHubOctokit, target: Target, request: CommitRequest, file: Upsert): Promise<string> {
  const { data } = await call(`create ${file.path}`, () =>
    octokit.rest.repos.createOrUpdateFileContents({
      ...target,
      path: file.path,
      message: request.message,
      content: Buffer.from(file.content, "utf8").toString("base64"),
      branch: request.branch,
      author: { name: request.author.name, email: request.author.email },
      committer: { name: request.committer.name, email: request.committer.email },
    }),
  );
  return read(ContentsAnswer, data, "contents").commit.sha;
}
