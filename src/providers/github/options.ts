import type { ProbotOctokit } from "probot";
import type { ProviderCapabilities, RepoRef } from "../../core/index.js";

/** The Octokit gitsync drives: Probot's, which carries the retry and throttling plugins. */
export type GitHubOctokit = ProbotOctokit;

export interface GitHubProviderOptions {
  /**
   * The client for a repository. The server resolves the installation from the repository
   * (`apps.getRepoInstallation`) and returns an installation-authenticated client; tests pass
   * a token-authenticated one. Its base URL selects GitHub Enterprise Server.
   */
  octokitFor(repo: RepoRef): Promise<GitHubOctokit>;
  /**
   * The secret GitHub signs webhook deliveries with (X-Hub-Signature-256). Without it the client
   * only makes API calls; the server parses deliveries with its own receiver.
   */
  webhookSecret?: string;
  /**
   * Files whose content is at least this many UTF-8 bytes, or that hold a NUL character, are
   * uploaded as blobs instead of inline tree content. Default 512 KiB.
   */
  inlineContentLimit?: number;
}

export const GITHUB_CAPABILITIES: ProviderCapabilities = {
  branchInCommit: false,
  setsCommitter: true,
  summaryComment: false,
  annotations: true,
  // Check runs: "a maximum of 50 annotations per API request", any number in total.
  annotationsPerRequest: 50,
  maxAnnotations: Number.POSITIVE_INFINITY,
  maxSummaryLength: 65_535,
  maxCommentLength: 65_536,
};

/** Compare lists at most this many files; a full page means the list may be cut short. */
export const COMPARE_FILE_LIMIT = 300;
