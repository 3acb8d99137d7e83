import { randomUUID } from "node:crypto";
import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  BranchMovedError,
  ConfigError,
  ConflictError,
  GitsyncError,
  isValidBranchName,
  NotFoundError,
  TENANT_SLUG,
} from "../../core/index.js";
import type {
  Actor,
  ChangedFile,
  CheckHandle,
  CheckReport,
  CommitRequest,
  CommitResult,
  FileContent,
  GitProvider,
  LocalPullRequest,
  LocalReviewStore,
  OpenPullRequest,
  ProviderCapabilities,
  ProviderEvent,
  PullRequestInfo,
  PushEvent,
  RepoRef,
  WebhookRequest,
} from "../../core/index.js";
import { branchHead, ChangedEntries, changedTreeFiles, commitOf, CommitRelations, GitRunner, readTreeFiles, repositoryFolder, revision, splitZ } from "../kit/index.js";
import { installHook, type HookOptions } from "./hook.js";
import { quarantineEnv, quarantineOf } from "./push-check.js";
import { TreeBuilder } from "../kit/index.js";
import { parsePayload, verify } from "./webhook.js";
import { markedComment } from "../kit/index.js";

export interface LocalProviderOptions {
  /** The folder holding one bare repository per tenant: `<root>/<repository>.git`. */
  root: string;
  /** Where pull requests, checks and comments live (the Store implements it). */
  reviews: LocalReviewStore;
  /** The post-receive hook's target and shared secret; without it no hook is installed and webhooks are refused. */
  hook?: HookOptions;
  /** The link shown for a pull request (default: its REST API path). */
  pullRequestUrl?: (repository: string, number: number) => string;
  /** Told when a merge moves a branch (merges do not run the push hook). */
  onPush?: (event: PushEvent) => void | Promise<void>;
  /** Extra object directories for git (a push's quarantine): such a provider only reads. */
  objectEnv?: Record<string, string>;
}

interface Repo {
  git: GitRunner;
  objectFormat: "sha1" | "sha256";
  zero: string;
  relations: CommitRelations;
  changed: ChangedEntries;
}

const MAX_TEXT = 65_535;

function defaultPullUrl(repository: string, number: number): string {
  return `/api/v1/tenants/${repository}/pulls/${number}`;
}

/** One commit of a file's history. */
export interface FileCommit {
  sha: string;
  author: Actor;
  /** ISO 8601, as git recorded it. */
  date: string;
  subject: string;
}

function actorEnv(author: Actor, committer: Actor): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}

/**
 * The embedded default provider: bare repositories on disk, driven by the git CLI with
 * plumbing only (no working tree). Pull requests, checks and comments live in the Store.
 */
export class LocalProvider implements GitProvider {
  readonly name = "local" as const;
  readonly capabilities: ProviderCapabilities = {
    branchInCommit: true,
    setsCommitter: true,
    summaryComment: true,
    annotations: true,
    annotationsPerRequest: Number.POSITIVE_INFINITY,
    maxAnnotations: Number.POSITIVE_INFINITY,
    maxSummaryLength: MAX_TEXT,
    maxCommentLength: MAX_TEXT,
  };
  private readonly repos = new Map<string, Promise<Repo>>();

  constructor(private readonly options: LocalProviderOptions) {}

  /** The bare repository's folder for a repository name (a tenant slug). */
  repositoryPath(repository: string): string {
    if (!TENANT_SLUG.test(repository)) {
      throw new GitsyncError("bad_request", `invalid local repository name '${repository}': use lowercase letters, digits and '-'`);
    }
    return join(this.options.root, `${repository}.git`);
  }

  /** Opens a repository, creating it (and installing the hook) on first use by this provider. */
  private open(repository: string): Promise<Repo> {
    const gitDir = this.repositoryPath(repository);
    let repo = this.repos.get(repository);
    if (!repo) {
      repo = this.prepare(repository, gitDir);
      this.repos.set(repository, repo);
      // A failed preparation must be retried next time, not cached.
      repo.catch(() => this.repos.delete(repository));
    }
    return repo;
  }

  private async prepare(repository: string, gitDir: string): Promise<Repo> {
    const git = new GitRunner(gitDir, this.options.objectEnv);
    const view = this.options.objectEnv !== undefined;
    if (!view && !(await this.exists(repository))) {
      await mkdir(this.options.root, { recursive: true });
      await git.run(["init", "--bare", "--quiet", "--initial-branch=main"]);
    }
    if (this.options.hook && !view) await installHook(gitDir, repository, this.options.hook);
    const objectFormat = (await git.text(["rev-parse", "--show-object-format"])) === "sha256" ? "sha256" : "sha1";
    return { git, objectFormat, zero: "0".repeat(objectFormat === "sha256" ? 64 : 40), relations: new CommitRelations(git), changed: new ChangedEntries() };
  }

  private exists(repository: string): Promise<boolean> {
    return access(join(this.repositoryPath(repository), "HEAD")).then(
      () => true,
      () => false,
    );
  }

  private async branchHeadAndTree(git: GitRunner, branch: string): Promise<{ head: string | null; tree: string | null }> {
    const ref = `refs/heads/${branch}`;
    // Two revisions, so no --verify; both start with refs/heads/ (never read as an option).
    const { code, stdout } = await git.run(["rev-parse", ref, `${ref}^{tree}`], { okCodes: [128] });
    const [head, tree] = stdout.toString("utf8").trim().split("\n");
    return code === 0 && head && tree ? { head, tree } : { head: await this.branchHead(git, branch), tree: null };
  }

  private branchHead(git: GitRunner, branch: string): Promise<string | null> {
    return branchHead(git, branch);
  }

  private checkBranchName(branch: string): void {
    if (!isValidBranchName(revision(branch))) throw new GitsyncError("bad_request", `invalid branch name '${branch}'`);
  }

  private commitOf(git: GitRunner, ref: string): Promise<string | null> {
    return commitOf(git, ref);
  }

  async resolveRef(repo: RepoRef, ref: string): Promise<string | null> {
    const { git } = await this.open(repo.repository);
    return this.commitOf(git, ref);
  }

  async readFiles(repo: RepoRef, sha: string, path: string, paths?: string[]): Promise<FileContent[]> {
    const { git, changed } = await this.open(repo.repository);
    return readTreeFiles(git, repo.repository, sha, path, paths, changed);
  }

  async changedFiles(repo: RepoRef, base: string, head: string, path: string): Promise<ChangedFile[]> {
    const { git, relations, changed } = await this.open(repo.repository);
    return changedTreeFiles(git, relations, base, head, path, changed);
  }

  async isAncestor(repo: RepoRef, ancestor: string, descendant: string): Promise<boolean> {
    const { relations } = await this.open(repo.repository);
    return relations.isAncestor(ancestor, descendant);
  }

  /** Where `head` forked from `base` (what a pull request's diff starts from), or null for unrelated histories. */
  async forkPoint(repo: RepoRef, base: string, head: string): Promise<string | null> {
    const { relations } = await this.open(repo.repository);
    return relations.mergeBase(base, head);
  }

  /**
   * The commits reachable from `ref` that touched any of `paths`, newest first: a file's own
   * history, which only a real git repository can answer cheaply.
   */
  async fileLog(repo: RepoRef, ref: string, paths: string[], limit = 200): Promise<FileCommit[]> {
    const { git } = await this.open(repo.repository);
    const { stdout } = await git.run(
      ["log", "-z", `--max-count=${limit}`, "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s", revision(ref), "--", ...paths.map(repositoryFolder)],
      { okCodes: [128] },
    );
    return splitZ(stdout).flatMap((record) => {
      const [sha = "", name = "", email = "", date = "", subject = ""] = record.trim().split("\x1f");
      return sha === "" ? [] : [{ sha, author: { name, email }, date, subject }];
    });
  }

  async createBranch(repo: RepoRef, branch: string, sha: string): Promise<void> {
    const { git, zero } = await this.open(repo.repository);
    this.checkBranchName(branch);
    const target = await this.commitOf(git, sha);
    if (!target) throw new NotFoundError(`commit ${sha} not found in ${repo.repository}`, { sha });
    const { code } = await git.run(["update-ref", "-m", "gitsync: create branch", `refs/heads/${branch}`, target, zero], {
      okCodes: [128],
    });
    if (code !== 0) throw new ConflictError(`branch ${branch} already exists in ${repo.repository}`, { branch });
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const { git, objectFormat, zero } = await this.open(request.repository);
    const { branch, expectedHead } = request;
    this.checkBranchName(branch);
    // The head and its tree in one git process: a commit starts as few as it can.
    const { head: current, tree: currentTree } = await this.branchHeadAndTree(git, branch);
    let parent: string | null;
    if (current !== null) {
      if (current !== expectedHead) throw new BranchMovedError(branch, expectedHead || null, current);
      parent = current;
    } else if (expectedHead === "") {
      // An empty expected head means "the branch does not exist yet": a root commit.
      parent = null;
    } else if (request.createBranch) {
      parent = await this.commitOf(git, expectedHead);
      if (!parent) throw new NotFoundError(`commit ${expectedHead} not found in ${request.repository}`, { sha: expectedHead });
    } else {
      throw new BranchMovedError(branch, expectedHead, null);
    }

    const builder = await TreeBuilder.fromCommit(git, objectFormat, parent, parent === current && currentTree ? currentTree : undefined);
    builder.apply(request.changes);
    const { tree } = await builder.write();
    if (tree === null) {
      // No commit; a branch the request asked to create still is, at the expected head (see the port).
      if (current === null && parent !== null) await this.moveBranch(git, branch, parent, zero, null, "gitsync: create branch");
      return { sha: null };
    }

    const message = request.message.endsWith("\n") ? request.message : `${request.message}\n`;
    const sha = await git.text(["commit-tree", tree, ...(parent ? ["-p", parent] : [])], {
      input: message,
      env: actorEnv(request.author, request.committer),
    });
    await this.moveBranch(git, branch, sha, current ?? zero, expectedHead || null, "gitsync: commit");
    return { sha };
  }

  /** Compare-and-swap of a branch: a branch that moved meanwhile fails with BranchMovedError. */
  private async moveBranch(git: GitRunner, branch: string, to: string, from: string, expected: string | null, reason: string): Promise<void> {
    const { code } = await git.run(["update-ref", "-m", reason, `refs/heads/${branch}`, to, from], { okCodes: [128] });
    if (code !== 0) throw new BranchMovedError(branch, expected, await this.branchHead(git, branch));
  }

  private toInfo(pull: LocalPullRequest): PullRequestInfo {
    const url = (this.options.pullRequestUrl ?? defaultPullUrl)(pull.repository, pull.number);
    const { number, title, head, base, headSha, state, mergeCommitSha } = pull;
    return { number, url, title, head, base, headSha, state, mergeCommitSha };
  }

  private async requireBranch(git: GitRunner, repository: string, branch: string): Promise<string> {
    const sha = await this.branchHead(git, branch);
    if (!sha) throw new NotFoundError(`branch ${branch} not found in ${repository}`, { branch });
    return sha;
  }

  async openPullRequest(request: OpenPullRequest): Promise<PullRequestInfo> {
    const { git } = await this.open(request.repository);
    const headSha = await this.requireBranch(git, request.repository, request.head);
    await this.requireBranch(git, request.repository, request.base);
    const reviews = this.options.reviews;
    const open = await reviews.listLocalPulls(request.repository, "open");
    const existing = open.find((p) => p.head === request.head && p.base === request.base);
    if (existing) {
      const current = existing.headSha === headSha ? existing : await reviews.updateLocalPull(request.repository, existing.number, { headSha });
      return this.toInfo(current);
    }
    const { repository, title, body, head, base } = request;
    return this.toInfo(await reviews.createLocalPull({ repository, title, body, head, base, headSha }));
  }

  private async pull(repository: string, number: number): Promise<LocalPullRequest> {
    const pull = await this.options.reviews.getLocalPull(repository, number);
    if (!pull) throw new NotFoundError(`pull request #${number} not found in ${repository}`, { number });
    return pull;
  }

  async getPullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo> {
    const { git } = await this.open(repo.repository);
    const pull = await this.pull(repo.repository, number);
    if (pull.state !== "open") return this.toInfo(pull);
    // The head branch may have moved since the pull request was opened (a push to it).
    const headSha = await this.branchHead(git, pull.head);
    if (headSha && headSha !== pull.headSha) return this.toInfo(await this.options.reviews.updateLocalPull(repo.repository, number, { headSha }));
    return this.toInfo(pull);
  }

  /**
   * Merges an open pull request for real: fast-forward when the base has not moved, else a
   * three-way merge with `git merge-tree --write-tree` and a two-parent commit. Conflicts are
   * refused with `merge_conflict` naming the paths; nothing is written then.
   */
  async mergePullRequest(repository: string, number: number, author: Actor): Promise<PullRequestInfo> {
    const { git, relations } = await this.open(repository);
    const pull = await this.pull(repository, number);
    if (pull.state !== "open") throw new ConflictError(`pull request #${number} is ${pull.state}`, { number, state: pull.state });
    const headSha = await this.requireBranch(git, repository, pull.head);
    const baseSha = await this.requireBranch(git, repository, pull.base);

    let merged: string;
    if (await relations.isAncestor(headSha, baseSha)) {
      merged = baseSha;
    } else if (await relations.isAncestor(baseSha, headSha)) {
      merged = headSha;
    } else {
      const result = await git.run(["merge-tree", "--write-tree", "-z", "--name-only", "--no-messages", baseSha, headSha], {
        okCodes: [1],
      });
      const [tree, ...conflicts] = splitZ(result.stdout);
      if (result.code === 1 || !tree) {
        const paths = [...new Set(conflicts)];
        throw new GitsyncError("merge_conflict", `pull request #${number} cannot be merged: conflicts in ${paths.join(", ")}`, { number, paths });
      }
      merged = await git.text(["commit-tree", tree, "-p", baseSha, "-p", headSha], {
        input: `Merge pull request #${number} from ${pull.head}\n\n${pull.title}\n`,
        env: actorEnv(author, author),
      });
    }
    if (merged !== baseSha) await this.moveBranch(git, pull.base, merged, baseSha, baseSha, `gitsync: merge #${number}`);
    const updated = await this.options.reviews.updateLocalPull(repository, number, { state: "merged", headSha, mergeCommitSha: merged });
    if (merged !== baseSha && this.options.onPush) {
      await this.options.onPush({
        kind: "push",
        provider: "local",
        deliveryId: randomUUID(),
        repository,
        branch: pull.base,
        before: baseSha,
        after: merged,
        forced: false,
        pusher: author,
        changedPaths: null,
      });
    }
    return this.toInfo(updated);
  }

  async publishCheck(report: CheckReport): Promise<CheckHandle> {
    await this.open(report.repository);
    const check = await this.options.reviews.putLocalCheck({
      repository: report.repository,
      sha: report.sha,
      name: report.name,
      status: report.status,
      conclusion: report.conclusion ?? null,
      title: report.title,
      summary: report.summary.length > MAX_TEXT ? `${report.summary.slice(0, MAX_TEXT - 40)}\n\n… (summary cut)` : report.summary,
      annotations: report.annotations,
      pullRequest: report.pullRequest ?? null,
    });
    return { id: String(check.id) };
  }

  async upsertComment(repo: RepoRef, pullRequest: number, body: string): Promise<void> {
    await this.pull(repo.repository, pullRequest);
    await this.options.reviews.upsertLocalComment(repo.repository, pullRequest, markedComment(body, this.capabilities.maxCommentLength));
  }

  /**
   * The pre-receive hook's question (`/webhooks/local/check`): the push it describes, and a
   * provider that also sees the pushed objects, still in quarantine, to judge it with.
   */
  async parsePushCheck(request: WebhookRequest): Promise<{ event: PushEvent; view: LocalProvider } | null> {
    if (!this.options.hook) throw new ConfigError("local webhooks are not configured: no shared secret");
    verify(request, this.options.hook.secret);
    const { repository } = parsePayload(request.rawBody);
    if (!(await this.exists(repository))) throw new NotFoundError(`local repository ${repository} not found`);
    const objectEnv = await quarantineEnv(this.repositoryPath(repository), quarantineOf(request.rawBody));
    const view = new LocalProvider({ ...this.options, objectEnv });
    const event = await view.parseWebhook(request);
    return event?.kind === "push" ? { event, view } : null;
  }

  async parseWebhook(request: WebhookRequest): Promise<ProviderEvent | null> {
    if (!this.options.hook) throw new ConfigError("local webhooks are not configured: no shared secret");
    const deliveryId = verify(request, this.options.hook.secret);
    const payload = parsePayload(request.rawBody);
    const [update] = payload.updates;
    if (!update || !update.ref.startsWith("refs/heads/")) return null;
    // A delivery never creates a repository: it must come from one that exists.
    if (!(await this.exists(payload.repository))) throw new NotFoundError(`local repository ${payload.repository} not found`);
    const { git, zero, relations } = await this.open(payload.repository);
    // A deleted branch has nothing to apply.
    if (update.after === zero) return null;
    const forced = update.before !== zero && !(await relations.isAncestor(update.before, update.after).catch(() => false));
    // A local push has no account behind it: the pushed head's author speaks for the push.
    const [name = "", email = ""] = (await git.text(["log", "-1", "--format=%an%x00%ae", revision(update.after)])).split("\0");
    return {
      kind: "push",
      provider: "local",
      deliveryId,
      repository: payload.repository,
      branch: update.ref.slice("refs/heads/".length),
      before: update.before,
      after: update.after,
      forced,
      pusher: name === "" ? null : { name, email },
      changedPaths: null,
    };
  }
}
