import type { Actor, GitProvider, RepoRef, WebhookRequest } from "../../src/core/index.js";
import type { FileBytes } from "./file-bytes.js";

/**
 * What the shared provider contract suite (test/contract/provider-contract.ts) needs from each
 * provider. The local harness drives real bare repositories; a hosted harness keeps an
 * in-memory model of the forge (refs, commits, trees, pull requests, checks, comments) and
 * answers through nock with bodies shaped exactly like the provider's published API.
 *
 * Strictness: before each operation the suite calls `expect(step)`; a hosted harness then
 * registers exactly the requests that step makes (one-shot interceptors, no `.persist()`), so
 * an extra request fails as unmatched and a missing one fails as unused (test/helpers/http-mock).
 */
export type ContractStep =
  | { op: "resolveRef"; ref: string; exists: boolean }
  | { op: "readFiles"; sha: string; path: string; paths?: string[] }
  | { op: "changedFiles"; base: string; head: string; path: string }
  | { op: "isAncestor"; ancestor: string; descendant: string }
  | { op: "createBranch"; branch: string; sha: string }
  /** outcome: "committed" (a new commit), "empty" (no difference, no commit), "moved" (branch moved). */
  /** root: the branch does not exist and the expected head is empty: its root commit. */
  /**
   * treeRead: the caller just read the files it changes at the expected head; headRead: it
   * resolved the branch to that head just before. A provider may reuse either answer.
   */
  | { op: "commit"; branch: string; files: number; outcome: "committed" | "empty" | "moved"; createBranch?: boolean; root?: boolean; treeRead?: boolean; headRead?: boolean }
  | { op: "openPullRequest"; head: string; base: string; existing: boolean }
  | { op: "getPullRequest"; number: number }
  /** `shortSha`: the caller names the commit by a webhook's short hash (Bitbucket expands it first). */
  | { op: "publishCheck"; sha: string; annotations: number; status: "in_progress" | "completed"; shortSha?: boolean }
  /**
   * `kept` (providers with `upsertKeptComment`): the caller passed the id it kept ("id"), knew
   * there was none ("none"), or passed an id whose comment is gone ("gone": looked for again).
   */
  | { op: "upsertComment"; pullRequest: number; existing: boolean; kept?: "id" | "none" | "gone" }
  /** The next request of the following step first fails with this status, then succeeds. */
  | { op: "transientFailure"; status: 502 | 429; retryAfterSeconds?: number }
  /**
   * The first request of the following step answers `status` on every attempt (once for a
   * refusal such as a revoked token's 401; each of the provider's attempts for a 5xx outage)
   * and the step makes no other request.
   */
  | { op: "failure"; status: 401 | 503 };

/** What a harness can tell about a commit, read without the provider (for assertions). */
export interface CommitInfo {
  author: Actor;
  committer: Actor;
  message: string;
  parents: string[];
}

/** A check as the forge holds it. */
export interface CheckInfo {
  name: string;
  status: string;
  conclusion: string | null;
  annotations: number;
}

export interface ContractHarness {
  readonly provider: GitProvider;
  readonly repo: RepoRef;
  /**
   * False for a provider reached without HTTP (local): the suite skips the retry cases.
   * Omitted means true. Read once when the suite is collected (the factory is called once
   * then and cleaned up at once), so a factory must not register mocks or make requests.
   */
  readonly http?: boolean;
  /**
   * The waits the provider's retry asked for (milliseconds), where the harness records them
   * instead of sleeping; omitted where the provider waits for real.
   */
  readonly retryWaits?: readonly number[];
  /**
   * Branch `main` holding exactly `files` (path → text, stored as UTF-8, or raw bytes); returns
   * its head sha. Not counted.
   */
  seed(files: Record<string, FileBytes>): Promise<string>;
  /** The repository as just made on the forge: no branch, no commit. */
  emptyRepository(): Promise<void>;
  /** Hosted providers: other people's comments on a pull request, added on the forge. Not counted. */
  addComments?(pullRequest: number, bodies: string[]): Promise<void>;
  /** Hosted providers: other people's open pull requests from these branches into main. Not counted. */
  addPullRequests?(heads: string[]): Promise<void>;
  /** Hosted providers: branches made at `sha` on the forge, as someone would. Not counted. */
  addBranches?(names: string[], sha: string): Promise<void>;
  /** A forge whose checks are listed (GitHub): finished check runs called `name` on a commit. Not counted. */
  addCheckRuns?(sha: string, name: string, count: number): Promise<void>;
  /** Deletes a branch on the forge, as someone would in its UI. Not counted. */
  deleteBranch(branch: string): Promise<void>;
  /** Registers the provider requests the next operation is expected to make (no-op for local). */
  expect(step: ContractStep): void;
  /**
   * The files of a commit as the forge holds them, read without the provider, decoded as UTF-8
   * (for assertions on what gitsync wrote; bytes are checked through `readFiles`).
   */
  snapshot(sha: string): Promise<Record<string, string>>;
  /** The head sha of a branch as the forge holds it, or null. */
  head(branch: string): Promise<string | null>;
  /** A push webhook for `branch` moving `before` → `after`, signed correctly or not. */
  pushWebhook(input: { branch: string; before: string; after: string; validSignature: boolean }): WebhookRequest;
  /** How a pull request webhook names a commit, where not by its full sha (Bitbucket: its first 12 characters). */
  webhookSha?(sha: string): string;
  /** Hosted providers: number of HTTP requests made since the last `seed`/reset. Local: 0. */
  requestCount(): number;
  /** Optional observers: when a harness has them, the suite asserts through them too. */
  commitInfo?(sha: string): Promise<CommitInfo>;
  /** The checks on a commit as the forge holds them. */
  checks?(sha: string): Promise<CheckInfo[]>;
  /** The bodies of gitsync's comments (those holding COMMENT_MARKER) on a pull request. */
  comments?(pullRequest: number): Promise<string[]>;
  cleanup(): Promise<void>;
}

export type HarnessFactory = () => Promise<ContractHarness>;
