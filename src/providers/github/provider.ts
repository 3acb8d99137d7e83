import type {
  ChangedFile,
  CheckHandle,
  CheckReport,
  CommitRequest,
  CommitResult,
  FileContent,
  GitProvider,
  OpenPullRequest,
  ProviderEvent,
  PullRequestInfo,
  RepoRef,
  WebhookReceiver,
  WebhookRequest,
} from "../../core/index.js";
import { publishCheckRun } from "./checks.js";
import { commitChanges, createBranchRef } from "./commit.js";
import { findOrOpenPullRequest, readPullRequest, upsertComment } from "./conversation.js";
import { providerError, statusOf } from "./errors.js";
import { splitRepository } from "./octokit.js";
import { GITHUB_CAPABILITIES, type GitHubOctokit, type GitHubProviderOptions } from "./options.js";
import { changedFilesBetween, isAncestorOf, readFilesAt } from "./read.js";
import { githubWebhookReceiver } from "./webhook.js";
import { noWebhookReceiver } from "../kit/index.js";

const DEFAULT_INLINE_LIMIT = 512 * 1024;

export class GitHubProvider implements GitProvider {
  readonly name = "github" as const;
  readonly capabilities = GITHUB_CAPABILITIES;
  private readonly options: GitHubProviderOptions;
  private readonly inlineLimit: number;
  private readonly webhooks: WebhookReceiver;

  constructor(options: GitHubProviderOptions) {
    this.webhooks = options.webhookSecret === undefined ? noWebhookReceiver("github") : githubWebhookReceiver(options.webhookSecret);
    this.options = options;
    this.inlineLimit = options.inlineContentLimit ?? DEFAULT_INLINE_LIMIT;
  }

  private async client(repo: RepoRef): Promise<{ octokit: GitHubOctokit; target: { owner: string; repo: string } }> {
    const target = splitRepository(repo);
    return { octokit: await this.options.octokitFor(repo), target };
  }

  async resolveRef(repo: RepoRef, ref: string): Promise<string | null> {
    const { octokit, target } = await this.client(repo);
    try {
      // The sha media type answers with the bare sha for a branch, tag or (short) sha.
      const { data } = await octokit.rest.repos.getCommit({ ...target, ref, mediaType: { format: "sha" } });
      const raw: unknown = data;
      const sha = (raw instanceof ArrayBuffer ? new TextDecoder().decode(raw) : String(raw)).trim();
      if (!/^[0-9a-f]{40}$/.test(sha)) throw providerError(`resolve ${ref}`, new Error("the answer is not a sha"));
      return sha;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 422) return null;
      throw providerError(`resolve ${ref}`, error);
    }
  }

  async readFiles(repo: RepoRef, sha: string, path: string, paths?: string[]): Promise<FileContent[]> {
    if (paths !== undefined && paths.length === 0) return [];
    const { octokit, target } = await this.client(repo);
    return readFilesAt(octokit, target, sha, path, paths);
  }

  async changedFiles(repo: RepoRef, base: string, head: string, path: string): Promise<ChangedFile[]> {
    if (base === head) return [];
    const { octokit, target } = await this.client(repo);
    return changedFilesBetween(octokit, target, base, head, path);
  }

  async isAncestor(repo: RepoRef, ancestor: string, descendant: string): Promise<boolean> {
    if (ancestor === descendant) return true;
    const { octokit, target } = await this.client(repo);
    return isAncestorOf(octokit, target, ancestor, descendant);
  }

  async createBranch(repo: RepoRef, branch: string, sha: string): Promise<void> {
    const { octokit, target } = await this.client(repo);
    await createBranchRef(octokit, target, branch, sha);
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const { octokit, target } = await this.client(request);
    return commitChanges(octokit, target, request, this.inlineLimit);
  }

  async openPullRequest(request: OpenPullRequest): Promise<PullRequestInfo> {
    const { octokit, target } = await this.client(request);
    return findOrOpenPullRequest(octokit, target, request);
  }

  async getPullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo> {
    const { octokit, target } = await this.client(repo);
    return readPullRequest(octokit, target, number);
  }

  async publishCheck(report: CheckReport): Promise<CheckHandle> {
    const { octokit, target } = await this.client(report);
    return publishCheckRun(octokit, target, report);
  }

  async upsertComment(repo: RepoRef, pullRequest: number, body: string): Promise<void> {
    const { octokit, target } = await this.client(repo);
    await upsertComment(octokit, target, pullRequest, body, this.capabilities.maxCommentLength);
  }

  async parseWebhook(request: WebhookRequest): Promise<ProviderEvent | null> {
    return this.webhooks.parseWebhook(request);
  }
}
