import type { GitHubOctokit } from "../../src/providers/github/index.js";
import checkRunFixture from "../../fixtures/github/api/check-run.json" with { type: "json" };
import commitFixture from "../../fixtures/github/api/commit.json" with { type: "json" };
import compareFixture from "../../fixtures/github/api/compare.json" with { type: "json" };
import gitCommitFixture from "../../fixtures/github/api/git-commit.json" with { type: "json" };
import gitRefFixture from "../../fixtures/github/api/git-ref.json" with { type: "json" };
import gitTreeFixture from "../../fixtures/github/api/git-tree.json" with { type: "json" };
import commentFixture from "../../fixtures/github/api/issue-comment.json" with { type: "json" };
import pullFixture from "../../fixtures/github/api/pull-request.json" with { type: "json" };
import type { ForgeCheckRun, ForgeComment, ForgeCommit, ForgePull, GitHubForge } from "./github-forge.js";

/**
 * Response bodies built from the fixtures (documented examples and the pull request, check run
 * and comment objects of @octokit/webhooks-examples), with the model's values put in. Each
 * builder is typed with Octokit's response type for that endpoint, generated from GitHub's
 * OpenAPI description, so a missing or mistyped field fails the typecheck.
 */
type Rest = GitHubOctokit["rest"];
type Data<F> = F extends (...args: never[]) => Promise<{ data: infer D }> ? D : never;

export type GitRef = Data<Rest["git"]["getRef"]>;
export type GitCommit = Data<Rest["git"]["getCommit"]>;
export type GitTree = Data<Rest["git"]["getTree"]>;
export type Comparison = Data<Rest["repos"]["compareCommitsWithBasehead"]>;
export type PullRequest = Data<Rest["pulls"]["get"]>;
export type PullRequestSimple = Data<Rest["pulls"]["list"]>[number];
export type CheckRun = Data<Rest["checks"]["create"]>;
export type CheckRunList = Data<Rest["checks"]["listForRef"]>;
export type IssueComment = Data<Rest["issues"]["createComment"]>;

export class GitHubReplies {
  constructor(
    private readonly api: string,
    private readonly web: string,
    private readonly owner: string,
    private readonly name: string,
    private readonly forge: GitHubForge,
  ) {}

  private get repoApi(): string {
    return `${this.api}/repos/${this.owner}/${this.name}`;
  }

  gitRef(branch: string, sha: string): GitRef {
    return {
      ...gitRefFixture,
      ref: `refs/heads/${branch}`,
      node_id: Buffer.from(`ref:${branch}`).toString("base64"),
      url: `${this.repoApi}/git/refs/heads/${branch}`,
      object: { type: "commit", sha, url: `${this.repoApi}/git/commits/${sha}` },
    };
  }

  gitCommit(commit: ForgeCommit): GitCommit {
    const date = gitCommitFixture.author.date;
    return {
      ...gitCommitFixture,
      sha: commit.sha,
      node_id: Buffer.from(`commit:${commit.sha}`).toString("base64"),
      url: `${this.repoApi}/git/commits/${commit.sha}`,
      html_url: `${this.web}/${this.owner}/${this.name}/commit/${commit.sha}`,
      author: { ...commit.author, date },
      committer: { ...commit.committer, date },
      message: commit.message,
      tree: { sha: commit.tree, url: `${this.repoApi}/git/trees/${commit.tree}` },
      parents: commit.parents.map((sha) => ({
        sha,
        url: `${this.repoApi}/git/commits/${sha}`,
        html_url: `${this.web}/${this.owner}/${this.name}/commit/${sha}`,
      })),
    };
  }

  /** A tree listing: the root's entries, or every entry (subtrees included) when recursive. */
  gitTree(treeSha: string, recursive: boolean): GitTree {
    const files = this.forge.trees.get(treeSha) ?? new Map<string, string>();
    const folders = new Set<string>();
    for (const path of files.keys()) {
      const parts = path.split("/");
      for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join("/"));
    }
    const template = gitTreeFixture.tree[0] as (typeof gitTreeFixture.tree)[number];
    const entries: GitTree["tree"] = [];
    for (const folder of folders) {
      if (!recursive && folder.includes("/")) continue;
      const sub = new Map([...files].filter(([p]) => p.startsWith(`${folder}/`)).map(([p, s]) => [p.slice(folder.length + 1), s]));
      const sha = this.forge.putTree(sub);
      entries.push({ path: folder, mode: "040000", type: "tree", sha, url: `${this.repoApi}/git/trees/${sha}` });
    }
    for (const [path, sha] of files) {
      if (!recursive && path.includes("/")) continue;
      const size = this.forge.blobs.get(sha)?.length ?? 0;
      entries.push({ ...template, path, mode: "100644", type: "blob", size, sha, url: `${this.repoApi}/git/blobs/${sha}` });
    }
    entries.sort((a, b) => ((a.path ?? "") < (b.path ?? "") ? -1 : 1));
    return { sha: treeSha, url: `${this.repoApi}/git/trees/${treeSha}`, tree: entries, truncated: false };
  }

  private restCommit(sha: string): Comparison["base_commit"] {
    const commit = this.forge.commits.get(sha);
    return {
      ...commitFixture,
      sha,
      url: `${this.repoApi}/commits/${sha}`,
      html_url: `${this.web}/${this.owner}/${this.name}/commit/${sha}`,
      comments_url: `${this.repoApi}/commits/${sha}/comments`,
      commit: {
        ...commitFixture.commit,
        url: `${this.repoApi}/git/commits/${sha}`,
        message: commit?.message ?? "",
        author: { ...commitFixture.commit.author, ...commit?.author },
        committer: { ...commitFixture.commit.committer, ...commit?.committer },
        tree: { sha: commit?.tree ?? sha, url: `${this.repoApi}/git/trees/${commit?.tree ?? sha}` },
      },
      parents: (commit?.parents ?? []).map((p) => ({ sha: p, url: `${this.repoApi}/commits/${p}` })),
    };
  }

  /** Compare `base...head`; `files` is cut at GitHub's 300-file limit. */
  comparison(base: string, head: string, fileLimit: number): Comparison {
    const status: Comparison["status"] =
      base === head ? "identical" : this.forge.isAncestor(base, head) ? "ahead" : this.forge.isAncestor(head, base) ? "behind" : "diverged";
    const template = compareFixture.files[0] as (typeof compareFixture.files)[number];
    // Compare is three-dot: the files changed from the merge base to head.
    const mergeBase = this.forge.mergeBase(base, head) ?? base;
    const files = this.forge.diff(mergeBase, head).slice(0, fileLimit).map((f) => ({
      ...template,
      sha: f.sha,
      filename: f.path,
      status: f.status,
      ...(f.previous === undefined ? {} : { previous_filename: f.previous }),
      blob_url: `${this.web}/${this.owner}/${this.name}/blob/${head}/${f.path}`,
      raw_url: `${this.web}/${this.owner}/${this.name}/raw/${head}/${f.path}`,
      contents_url: `${this.repoApi}/contents/${f.path}?ref=${head}`,
    }));
    const ahead = status === "ahead" ? 1 : 0;
    return {
      ...compareFixture,
      url: `${this.repoApi}/compare/${base}...${head}`,
      html_url: `${this.web}/${this.owner}/${this.name}/compare/${base}...${head}`,
      status,
      ahead_by: ahead,
      behind_by: status === "behind" ? 1 : 0,
      total_commits: ahead,
      base_commit: this.restCommit(base),
      merge_base_commit: this.restCommit(mergeBase),
      commits: status === "ahead" ? [this.restCommit(head)] : [],
      files,
    };
  }

  pullRequest(pr: ForgePull): PullRequest {
    const headSha = this.forge.branches.get(pr.head) ?? "";
    const baseSha = this.forge.branches.get(pr.base) ?? "";
    const html = `${this.web}/${this.owner}/${this.name}/pull/${pr.number}`;
    return {
      ...pullFixture,
      url: `${this.repoApi}/pulls/${pr.number}`,
      id: 10_000 + pr.number,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${this.repoApi}/issues/${pr.number}`,
      number: pr.number,
      state: pr.state,
      // JSON imports widen enums to string; the fixture's value is one of them.
      author_association: pullFixture.author_association as PullRequest["author_association"],
      labels: [],
      title: pr.title,
      body: pr.body,
      merged: pr.merged,
      merged_at: pr.merged ? pullFixture.updated_at : null,
      merge_commit_sha: pr.merged ? headSha : null,
      head: { ...pullFixture.head, ref: pr.head, sha: headSha, label: `${this.owner}:${pr.head}` },
      base: { ...pullFixture.base, ref: pr.base, sha: baseSha, label: `${this.owner}:${pr.base}` },
    };
  }

  /** The list answer holds the "pull-request-simple" shape: no merge or size fields. */
  pullRequestSimple(pr: ForgePull): PullRequestSimple {
    const full = this.pullRequest(pr);
    const {
      merged: _merged,
      mergeable: _mergeable,
      rebaseable: _rebaseable,
      mergeable_state: _state,
      merged_by: _by,
      comments: _comments,
      review_comments: _reviewComments,
      maintainer_can_modify: _modify,
      commits: _commits,
      additions: _additions,
      deletions: _deletions,
      changed_files: _changed,
      ...simple
    } = full;
    return { ...simple, labels: [], requested_teams: [] };
  }

  checkRun(run: ForgeCheckRun): CheckRun {
    return {
      ...checkRunFixture,
      id: run.id,
      head_sha: run.sha,
      name: run.name,
      status: run.status as CheckRun["status"],
      conclusion: run.conclusion as CheckRun["conclusion"],
      url: `${this.repoApi}/check-runs/${run.id}`,
      html_url: `${this.web}/${this.owner}/${this.name}/runs/${run.id}`,
      output: {
        title: run.title,
        summary: run.summary,
        text: null,
        annotations_count: run.annotations.length,
        annotations_url: `${this.repoApi}/check-runs/${run.id}/annotations`,
      },
    };
  }

  checkRunList(runs: ForgeCheckRun[]): CheckRunList {
    return { total_count: runs.length, check_runs: runs.map((r) => this.checkRun(r)) };
  }

  comment(c: ForgeComment): IssueComment {
    return {
      ...commentFixture,
      id: c.id,
      node_id: Buffer.from(`comment:${c.id}`).toString("base64"),
      url: `${this.repoApi}/issues/comments/${c.id}`,
      html_url: `${this.web}/${this.owner}/${this.name}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.repoApi}/issues/${c.issue}`,
      body: c.body,
      author_association: commentFixture.author_association as IssueComment["author_association"],
    };
  }
}
