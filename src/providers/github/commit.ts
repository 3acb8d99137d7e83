import type { CommitRequest, CommitResult, FileChange } from "../../core/index.js";
import { BranchMovedError, GitsyncError } from "../../core/index.js";
import { apiMessage, call, providerError, statusOf } from "./errors.js";
import type { GitHubOctokit } from "./options.js";
import { commitRoot } from "./root-commit.js";
import { CommitAnswer, read, RefAnswer, ShaAnswer } from "./schema.js";

interface Target {
  owner: string;
  repo: string;
}

type Upsert = Extract<FileChange, { action: "upsert" }>;

type TreeEntry = {
  path: string;
  mode: "100644";
  type: "blob";
  sha?: string | null;
  content?: string;
};

/** The branch head, or null when the branch does not exist. */
export async function readBranchHead(octokit: GitHubOctokit, target: Target, branch: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.git.getRef({ ...target, ref: `heads/${branch}` });
    return read(RefAnswer, data, "ref").object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw providerError(`read branch ${branch}`, error);
  }
}

function needsBlob(content: string, inlineLimit: number): boolean {
  return content.includes("\u0000") || Buffer.byteLength(content, "utf8") >= inlineLimit;
}

async function treeEntry(octokit: GitHubOctokit, target: Target, change: FileChange, inlineLimit: number): Promise<TreeEntry> {
  if (change.action === "delete") return { path: change.path, mode: "100644", type: "blob", sha: null };
  if (!needsBlob(change.content, inlineLimit)) {
    return { path: change.path, mode: "100644", type: "blob", content: change.content };
  }
  const { data } = await call(`create blob ${change.path}`, () =>
    octokit.rest.git.createBlob({ ...target, content: Buffer.from(change.content, "utf8").toString("base64"), encoding: "base64" }),
  );
  return { path: change.path, mode: "100644", type: "blob", sha: read(ShaAnswer, data, "blob").sha };
}

/**
 * One atomic commit through the Git Data API: read the ref, read the parent's tree, post one
 * tree on top of it, one commit, and move the ref without force. GitHub computes the new tree,
 * so "no difference" is seen as the same tree sha and no commit is made. A branch that does not
 * exist with an empty expected head gets a root commit instead (`commitRoot`).
 */
export async function commitChanges(octokit: GitHubOctokit, target: Target, request: CommitRequest, inlineLimit: number): Promise<CommitResult> {
  const { branch, expectedHead } = request;
  const head = await readBranchHead(octokit, target, branch);
  // An empty expected head and no branch: the branch's root commit (a new tracked branch).
  const root = head === null && expectedHead === "";
  const creating = head === null && (request.createBranch === true || root);
  if (!creating && head !== expectedHead) throw new BranchMovedError(branch, expectedHead || null, head);
  const changes = root ? request.changes.filter((c) => c.action === "upsert") : request.changes;
  if (changes.length === 0) {
    if (creating && !root) await createBranchRef(octokit, target, branch, expectedHead);
    return { sha: null };
  }

  const entries: TreeEntry[] = [];
  // Blobs only for the few files that cannot go inline (none for a root commit: an empty
  // repository refuses blobs too); sequential keeps the write limiter happy.
  for (const change of changes) entries.push(await treeEntry(octokit, target, change, root ? Infinity : inlineLimit));
  if (root) return { sha: await commitRoot(octokit, target, request, entries, changes as Upsert[]) };

  const parent = await call(`read commit ${expectedHead}`, () => octokit.rest.git.getCommit({ ...target, commit_sha: expectedHead }));
  const baseTree = read(CommitAnswer, parent.data, "commit").tree.sha;
  const tree = await call("create tree", () => octokit.rest.git.createTree({ ...target, base_tree: baseTree, tree: entries }));
  const treeSha = read(ShaAnswer, tree.data, "tree").sha;
  if (treeSha === baseTree) {
    if (creating) await createBranchRef(octokit, target, branch, expectedHead);
    return { sha: null };
  }

  const commit = await call("create commit", () =>
    octokit.rest.git.createCommit({
      ...target,
      message: request.message,
      tree: treeSha,
      parents: [expectedHead],
      author: { name: request.author.name, email: request.author.email },
      committer: { name: request.committer.name, email: request.committer.email },
    }),
  );
  const commitSha = read(ShaAnswer, commit.data, "commit").sha;

  try {
    if (creating) {
      await octokit.rest.git.createRef({ ...target, ref: `refs/heads/${branch}`, sha: commitSha });
    } else {
      await octokit.rest.git.updateRef({ ...target, ref: `heads/${branch}`, sha: commitSha, force: false });
    }
  } catch (error) {
    // 422: not a fast forward (someone pushed first) or the branch was created meanwhile.
    if (statusOf(error) === 422) {
      const actual = await readBranchHead(octokit, target, branch);
      throw new BranchMovedError(branch, creating ? null : expectedHead, actual);
    }
    throw providerError(`move branch ${branch}`, error);
  }
  return { sha: commitSha };
}

export async function createBranchRef(octokit: GitHubOctokit, target: Target, branch: string, at: string): Promise<void> {
  try {
    await octokit.rest.git.createRef({ ...target, ref: `refs/heads/${branch}`, sha: at });
  } catch (error) {
    if (statusOf(error) === 422 && /already exists/i.test(apiMessage(error))) {
      throw new GitsyncError("conflict", `GitHub create branch ${branch} failed: the branch already exists`, { branch });
    }
    throw providerError(`create branch ${branch}`, error);
  }
}
