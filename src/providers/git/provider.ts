import { BranchMovedError, ConfigError, ConflictError, GitsyncError, isValidBranchName, NotFoundError } from "../../core/index.js";
import type {
  Actor,
  ChangedFile,
  CheckHandle,
  CheckReport,
  CommitRequest,
  CommitResult,
  FileContent,
  GitProvider,
  OpenPullRequest,
  ProviderCapabilities,
  ProviderEvent,
  PullRequestInfo,
  RepoRef,
  WebhookRequest,
} from "../../core/index.js";
import { branchHead, changedTreeFiles, commitOf, readTreeFiles, revision, TreeBuilder } from "../kit/index.js";
import type { RemoteCredential } from "./credentials.js";
import { RemoteMirror } from "./remote.js";
import { parseRemoteUrl } from "./url.js";
import { pushPayload, verifyDelivery, ZERO_SHA } from "./webhook.js";

export interface GitRemoteProviderOptions {
  /** The remote's URL: `https://...`, `ssh://user@host/path` or `user@host:path`. */
  url: string;
  /** This tenant's bare mirror, `<dataDir>/mirrors/<tenant>.git`. */
  mirror: string;
  /** The secret, read when a network command runs (never kept on disk). */
  credential: () => Promise<RemoteCredential>;
  /** A link for a pushed branch, with `{repository}`, `{base}` and `{head}`; null: none. */
  compareUrlTemplate: string | null;
  /** The connection's webhook secret, when deliveries are parsed by this provider. */
  webhookSecret?: string | null;
}

const MAX_TEXT = 65_535;

function actorEnv(author: Actor, committer: Actor): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}

/** The path part of a remote URL, as `{repository}` fills a compare link (`acme/config`). */
function repositoryPath(url: string): string {
  const path = /^[^@/]+@[^:]+:(.*)$/.exec(url)?.[1] ?? new URL(url).pathname;
  return path.replace(/^\/+/, "").replace(/\.git$/, "");
}

/**
 * Any git server the git CLI can reach, over HTTPS or SSH. Reads come from a bare mirror kept
 * per tenant and refreshed by fetch; commits are built there with plumbing on the fetched head
 * and pushed under a lease, so a branch that moved is never overwritten. Plain servers have
 * no pull requests or checks: branches are pushed and linked, and verdicts live in the sync log.
 */
export class GitRemoteProvider implements GitProvider {
  readonly name = "git" as const;
  readonly capabilities: ProviderCapabilities = {
    branchInCommit: true,
    setsCommitter: true,
    summaryComment: false,
    annotations: false,
    annotationsPerRequest: 0,
    maxAnnotations: 0,
    maxSummaryLength: MAX_TEXT,
    maxCommentLength: MAX_TEXT,
    pullRequests: false,
  };
  readonly mirror: RemoteMirror;

  constructor(private readonly options: GitRemoteProviderOptions) {
    this.mirror = new RemoteMirror(options.mirror, parseRemoteUrl(options.url), options.credential);
  }

  private get git() {
    return this.mirror.git;
  }

  private checkBranch(branch: string): void {
    if (!isValidBranchName(revision(branch))) throw new GitsyncError("bad_request", `invalid branch name '${branch}'`);
  }

  /** Makes sure a commit is in the mirror, fetching once when it is not (a push seen by webhook). */
  private async have(sha: string): Promise<void> {
    await this.mirror.open();
    if ((await commitOf(this.git, sha)) === null) await this.mirror.fetch();
  }

  /** A branch name is always read fresh from the server; a commit id only when the mirror lacks it. */
  async resolveRef(_repo: RepoRef, ref: string): Promise<string | null> {
    if (/^[0-9a-f]{40}$/.test(ref)) {
      await this.have(ref);
      return commitOf(this.git, ref);
    }
    await this.mirror.fetch();
    return (await branchHead(this.git, ref)) ?? commitOf(this.git, ref);
  }

  async readFiles(repo: RepoRef, sha: string, path: string, paths?: string[]): Promise<FileContent[]> {
    await this.have(sha);
    return readTreeFiles(this.git, repo.repository, sha, path, paths, this.mirror.changed);
  }

  async changedFiles(_repo: RepoRef, base: string, head: string, path: string): Promise<ChangedFile[]> {
    await this.have(head);
    await this.have(base);
    return changedTreeFiles(this.git, this.mirror.relations, base, head, path, this.mirror.changed);
  }

  async isAncestor(_repo: RepoRef, ancestor: string, descendant: string): Promise<boolean> {
    await this.have(descendant);
    return this.mirror.relations.isAncestor(ancestor, descendant);
  }

  async createBranch(repo: RepoRef, branch: string, sha: string): Promise<void> {
    this.checkBranch(branch);
    await this.have(sha);
    const target = await commitOf(this.git, sha);
    if (!target) throw new NotFoundError(`commit ${sha} not found in ${repo.repository}`, { sha });
    if ((await this.mirror.push(branch, target, "")) === "rejected") {
      throw new ConflictError(`branch ${branch} already exists in ${repo.repository}`, { branch });
    }
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const { branch, expectedHead } = request;
    this.checkBranch(branch);
    await this.mirror.fetch();
    const current = await branchHead(this.git, branch);
    const parent = await this.parentFor(request, current);
    const builder = await TreeBuilder.fromCommit(this.git, "sha1", parent);
    builder.apply(request.changes);
    const { tree } = await builder.write();
    if (tree === null) {
      // No difference, no commit; a branch the request asked for still starts at the expected head.
      if (current === null && parent !== null) await this.createBranch(request, branch, parent);
      return { sha: null };
    }
    const message = request.message.endsWith("\n") ? request.message : `${request.message}\n`;
    const sha = await this.git.text(["commit-tree", tree, ...(parent ? ["-p", parent] : [])], {
      input: message,
      env: actorEnv(request.author, request.committer),
    });
    if ((await this.mirror.push(branch, sha, current ?? "")) === "rejected") {
      // Someone pushed between our fetch and our push: the lease kept their commit.
      await this.mirror.fetch();
      throw new BranchMovedError(branch, expectedHead || null, await branchHead(this.git, branch));
    }
    return { sha };
  }

  /** The parent the commit builds on, as the local provider decides it (same port rules). */
  private async parentFor(request: CommitRequest, current: string | null): Promise<string | null> {
    const { branch, expectedHead } = request;
    if (current !== null) {
      if (current !== expectedHead) throw new BranchMovedError(branch, expectedHead || null, current);
      return current;
    }
    if (expectedHead === "") return null;
    if (!request.createBranch) throw new BranchMovedError(branch, expectedHead, null);
    const parent = await commitOf(this.git, expectedHead);
    if (!parent) throw new NotFoundError(`commit ${expectedHead} not found in ${request.repository}`, { sha: expectedHead });
    return parent;
  }

  compareUrl(_repo: RepoRef, base: string, head: string): string | null {
    const template = this.options.compareUrlTemplate;
    if (template === null) return null;
    const fill: Record<string, string> = { repository: repositoryPath(this.options.url), base, head };
    return template.replace(/\{(repository|base|head)\}/g, (_m, key: string) => encodeURI(fill[key] ?? ""));
  }

  openPullRequest(_request: OpenPullRequest): Promise<PullRequestInfo> {
    return Promise.reject(new ConfigError("a plain git server has no pull requests: the branch is pushed instead (the capability pullRequests is false)"));
  }

  getPullRequest(_repo: RepoRef, number: number): Promise<PullRequestInfo> {
    return Promise.reject(new NotFoundError(`a plain git server has no pull request #${number}`, { number }));
  }

  /** Nowhere to post a check: the verdict is in the sync log and the UI; the handle only names it. */
  async publishCheck(report: CheckReport): Promise<CheckHandle> {
    return { id: `unposted:${report.name}@${report.sha}` };
  }

  async upsertComment(): Promise<void> {
    // No pull requests, so no comments.
  }

  /**
   * A signed delivery (see webhook.ts) whose body names `ref`, `before` and `after` as most git
   * servers' push payloads do; a body without them is not a push (null). The server still only
   * trusts what it fetches: the commit must be reachable in the mirror after a fetch.
   */
  async parseWebhook(request: WebhookRequest): Promise<ProviderEvent | null> {
    const secret = this.options.webhookSecret;
    if (!secret) throw new ConfigError("this git connection has no webhook secret", { field: "webhookSecret" });
    const deliveryId = verifyDelivery(request, secret);
    const push = pushPayload(request.rawBody);
    if (push === null || (await this.resolveRef({ repository: this.options.url }, push.after)) === null) return null;
    const forced = push.before !== ZERO_SHA && !(await this.mirror.relations.isAncestor(push.before, push.after).catch(() => false));
    return { kind: "push", provider: "git", deliveryId, repository: this.options.url, ...push, forced, pusher: null, changedPaths: null };
  }
}
