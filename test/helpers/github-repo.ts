import type { Actor } from "../../src/core/index.js";
import type { FileBytes } from "../contract/file-bytes.js";
import type { GitHubForge } from "../contract/github-forge.js";

/**
 * What people do on GitHub outside gitsync, applied straight to the in-memory forge: push a
 * commit, merge a pull request. No HTTP: these stand in for a `git push` or the merge button.
 */

const someone: Actor = { name: "Bob Builder", email: "bob@example.com" };

/** A commit on `branch` (created from `from` when new) with files set (text or bytes) or removed (null). */
export function pushCommit(
  forge: GitHubForge,
  input: { branch: string; from?: string; files: Record<string, FileBytes | null>; author?: Actor; message?: string },
): { before: string; after: string } {
  const before = forge.branches.get(input.branch) ?? input.from;
  if (before === undefined) throw new Error(`forge: no branch ${input.branch} and no starting commit`);
  const base = forge.commits.get(before);
  if (!base) throw new Error(`forge: no commit ${before}`);
  const files = new Map(forge.trees.get(base.tree) ?? []);
  for (const [path, content] of Object.entries(input.files)) {
    if (content === null) files.delete(path);
    else files.set(path, forge.putBlob(content));
  }
  const author = input.author ?? someone;
  const commit = forge.putCommit({
    tree: forge.putTree(files),
    parents: [before],
    message: input.message ?? "Edit configuration",
    author,
    committer: author,
  });
  forge.branches.set(input.branch, commit.sha);
  return { before, after: commit.sha };
}

/** The merge button: a merge commit of the pull request's head into its base (no conflicts). */
export function mergePull(forge: GitHubForge, number: number, by: Actor = someone): { before: string; after: string } {
  const pr = forge.pulls.find((p) => p.number === number);
  if (!pr || pr.state !== "open") throw new Error(`forge: no open pull request #${number}`);
  const before = forge.branches.get(pr.base);
  const head = forge.branches.get(pr.head);
  if (!before || !head) throw new Error(`forge: pull request #${number} lost a branch`);
  if (!forge.isAncestor(before, head)) throw new Error("forge: this model only merges a head that contains its base");
  const merge = forge.putCommit({
    tree: forge.commits.get(head)?.tree ?? "",
    parents: [before, head],
    message: `Merge pull request #${number} from acme/${pr.head}\n\n${pr.title}`,
    author: by,
    committer: { name: "GitHub", email: "noreply@github.com" },
  });
  forge.branches.set(pr.base, merge.sha);
  pr.state = "closed";
  pr.merged = true;
  return { before, after: merge.sha };
}
