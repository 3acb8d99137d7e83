import type {
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
  PushAccess,
  WebhookReceiver,
  RepoRef,
  WebhookRequest,
} from "../../core/index.js";
import { noWebhookReceiver, type RetryOptions } from "../kit/index.js";
import { checkPushAccess } from "./access.js";
import { publishCheck } from "./checks.js";
import { AzureClient } from "./client.js";
import { commit, createBranch } from "./commit.js";
import { AzureContext } from "./context.js";
import { getPullRequest, openPullRequest } from "./pulls.js";
import { changedFiles, isAncestor, readFiles, resolveRef } from "./read.js";
import { COMMENT_LIMIT, upsertSummary } from "./threads.js";
import { MAX_FINDING_THREADS } from "./checks.js";
import { azureDevOpsWebhookReceiver, type WebhookCredentials } from "./webhook.js";

export interface AzureDevOpsProviderOptions {
  /** A personal access token with Code (read & write) and Code (status) scopes. */
  token: string;
  /** Azure DevOps Server's collection URL; null for Azure DevOps Services (dev.azure.com). */
  baseUrl?: string | null;
  /** The basic-auth credentials set on the service hook subscriptions. */
  /** Only for a provider that also verifies deliveries; API clients hold none. */
  webhook?: WebhookCredentials;
  retry?: Partial<RetryOptions>;
}

export class AzureDevOpsProvider implements GitProvider {
  readonly name = "azure-devops" as const;
  readonly capabilities: ProviderCapabilities = {
    // The Pushes API creates a branch and its commit in one request.
    branchInCommit: true,
    setsCommitter: true,
    // A pull request status shows one line: the summary and plan go to gitsync's thread.
    summaryComment: true,
    annotations: true,
    annotationsPerRequest: 1,
    maxAnnotations: MAX_FINDING_THREADS,
    maxSummaryLength: COMMENT_LIMIT,
    maxCommentLength: COMMENT_LIMIT,
  };

  readonly #ctx: AzureContext;
  readonly #webhooks: WebhookReceiver;

  constructor(options: AzureDevOpsProviderOptions) {
    this.#ctx = new AzureContext(new AzureClient({ token: options.token, ...(options.retry ? { retry: options.retry } : {}) }), options.baseUrl ?? null);
    this.#webhooks = options.webhook ? azureDevOpsWebhookReceiver(options.webhook) : noWebhookReceiver("azure-devops");
  }

  resolveRef(repo: RepoRef, ref: string): Promise<string | null> {
    return resolveRef(this.#ctx, repo, ref);
  }

  readFiles(repo: RepoRef, sha: string, path: string, paths?: string[]): Promise<FileContent[]> {
    return readFiles(this.#ctx, repo, sha, path, paths);
  }

  changedFiles(repo: RepoRef, base: string, head: string, path: string): Promise<ChangedFile[]> {
    return changedFiles(this.#ctx, repo, base, head, path);
  }

  isAncestor(repo: RepoRef, ancestor: string, descendant: string): Promise<boolean> {
    return isAncestor(this.#ctx, repo, ancestor, descendant);
  }

  createBranch(repo: RepoRef, branch: string, sha: string): Promise<void> {
    return createBranch(this.#ctx, repo, branch, sha);
  }

  commit(request: CommitRequest): Promise<CommitResult> {
    return commit(this.#ctx, request);
  }

  openPullRequest(request: OpenPullRequest): Promise<PullRequestInfo> {
    return openPullRequest(this.#ctx, request);
  }

  getPullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo> {
    return getPullRequest(this.#ctx, repo, number);
  }

  publishCheck(report: CheckReport): Promise<CheckHandle> {
    return publishCheck(this.#ctx, report);
  }

  upsertComment(repo: RepoRef, pullRequest: number, body: string): Promise<void> {
    return upsertSummary(this.#ctx, repo, pullRequest, body);
  }

  checkPushAccess(repo: RepoRef, branch: string): Promise<PushAccess> {
    return checkPushAccess(this.#ctx, repo, branch);
  }

  async parseWebhook(request: WebhookRequest): Promise<ProviderEvent | null> {
    return this.#webhooks.parseWebhook(request);
  }
}
