import type { Actor, CheckAnnotation, CheckConclusion, CheckStatus, ProviderName } from "./types.js";

/**
 * The one port through which gitsync touches a repository. Each provider (local, github,
 * gitlab, bitbucket) implements it in its own folder; the sync engine only sees this.
 * Paths are repository-relative, `/`-separated, without a leading slash.
 */

/** What a provider can do natively; the engine adapts instead of failing. */
export interface ProviderCapabilities {
  /** Can create the branch and commit to it in one request (GitLab `start_sha`). */
  branchInCommit: boolean;
  /**
   * Commits carry the requested committer. GitLab's and Bitbucket's commit APIs always record
   * the token's account as committer; the author is kept everywhere.
   */
  setsCommitter: boolean;
  /**
   * The pull request's page does not show a check's summary (GitLab statuses, Bitbucket build
   * statuses, local): gitsync posts it as its one comment instead.
   */
  summaryComment: boolean;
  /** Check annotations (GitHub check runs, Bitbucket Code Insights, local). */
  annotations: boolean;
  /** The maximum annotations per publish call the provider accepts. */
  annotationsPerRequest: number;
  /** The maximum annotations a check/report may hold in total (Infinity when none). */
  maxAnnotations: number;
  /** The longest check summary the provider accepts, in characters. */
  maxSummaryLength: number;
  /** The longest pull request comment the provider accepts, in characters. */
  maxCommentLength: number;
  /**
   * False when the server has no pull request API (a plain git server): branches are pushed and
   * shown with a compare link instead. Absent means pull requests are opened.
   */
  pullRequests?: boolean;
}

export interface RepoRef {
  /** `owner/name`, `group/project` or `workspace/slug`; the tenant slug for local. */
  repository: string;
}

export interface FileContent {
  path: string;
  /**
   * The file's bytes exactly as committed, never decoded on the way: validation decides whether
   * they are UTF-8 text (and says where they are not), the same way for every provider and for
   * `gitsync validate`. A lossy decode here would turn Latin-1 into U+FFFD and pass.
   */
  content: Uint8Array;
}

/** True when a file's bytes are exactly `text` in UTF-8 (what gitsync would write). */
export function sameContent(bytes: Uint8Array, text: string): boolean {
  return Buffer.compare(bytes, Buffer.from(text, "utf8")) === 0;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A file's text, or undefined when its bytes are not UTF-8 (it is then rewritten whole). */
export function textOf(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A write. Its content is text: gitsync only writes what it serialised itself, which is UTF-8
 * by construction; each adapter encodes it.
 */
export type FileChange =
  | { action: "upsert"; path: string; content: string }
  | { action: "delete"; path: string };

export interface CommitRequest extends RepoRef {
  branch: string;
  /**
   * The head the caller read; the commit fails with BranchMovedError if the branch is elsewhere.
   * An empty string means the branch must not exist yet: the commit is its root commit.
   */
  expectedHead: string;
  /**
   * When set and the branch does not exist, create it at `expectedHead` first. Every adapter
   * creates it even when the changes make no difference: the branch then exists at
   * `expectedHead` and the result's `sha` is null. Not with an empty `expectedHead` (a root
   * commit): with nothing to write, no branch is made.
   */
  createBranch?: boolean;
  message: string;
  author: Actor;
  committer: Actor;
  changes: FileChange[];
}

export interface CommitResult {
  /** Null when the changes made no difference: no commit was made. */
  sha: string | null;
}

export type ChangedFileStatus = "added" | "modified" | "deleted" | "renamed";

export interface ChangedFile {
  path: string;
  status: ChangedFileStatus;
  /** The old path of a rename. */
  previousPath?: string;
}

export interface PullRequestInfo {
  number: number;
  url: string;
  title: string;
  head: string;
  base: string;
  headSha: string;
  state: "open" | "merged" | "closed";
  mergeCommitSha: string | null;
}

export interface OpenPullRequest extends RepoRef {
  head: string;
  base: string;
  title: string;
  body: string;
}

// Declared with the plain data types (which need no Node types, unlike this file's Buffer).
export type { CheckAnnotation, CheckConclusion, CheckStatus } from "./types.js";

export interface CheckReport extends RepoRef {
  sha: string;
  name: string;
  status: CheckStatus;
  conclusion?: CheckConclusion;
  title: string;
  summary: string;
  annotations: CheckAnnotation[];
  /** The pull request the check is about, when there is one (GitLab/Bitbucket notes). */
  pullRequest?: number;
  /**
   * The branch the status belongs to: a pull request's source branch, or the tracked branch for
   * a push. GitLab and Bitbucket tie a commit status to a branch by it.
   */
  ref?: string;
  detailsUrl?: string;
}

export interface CheckHandle {
  /** Provider id of the check (check run id, report key, local id). */
  id: string;
}

/** Hidden marker that identifies gitsync's one comment on a pull request. */
export const COMMENT_MARKER = "<!-- gitsync -->";

export interface PushEvent {
  kind: "push";
  provider: ProviderName;
  deliveryId: string;
  repository: string;
  branch: string;
  before: string;
  after: string;
  forced: boolean;
  pusher: Actor | null;
  /** Changed paths when the payload carries them completely; null means: ask the provider. */
  changedPaths: string[] | null;
}

export type PullRequestAction = "opened" | "updated" | "reopened" | "closed" | "merged" | "rerequested";

export interface PullRequestEvent {
  kind: "pull_request";
  provider: ProviderName;
  deliveryId: string;
  repository: string;
  action: PullRequestAction;
  number: number;
  head: string;
  headSha: string;
  base: string;
  baseSha: string | null;
}

export type ProviderEvent = PushEvent | PullRequestEvent;

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The raw body, exactly as received: signatures are computed over these bytes. */
  rawBody: Buffer;
}

/** What "Test connection" learns about writing to a branch, without writing. */
export interface PushAccess {
  ok: boolean;
  message: string;
}

/**
 * Verifies and normalises a provider's webhook deliveries. Stateless apart from the shared
 * secret: the server keeps one per provider, apart from the API clients that hold tokens.
 */
export interface WebhookReceiver {
  readonly name: ProviderName;
  /** Verifies the signature or token (constant time) and normalises; null for ignored events. */
  parseWebhook(request: WebhookRequest): Promise<ProviderEvent | null>;
}

/**
 * Every adapter is also a receiver (`parseWebhook`), with the secret it was given; one built
 * only for API calls has none and refuses deliveries with a ConfigError.
 */
export interface GitProvider extends WebhookReceiver {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;

  /** The sha a branch, tag or sha points at; null when the ref does not exist. */
  resolveRef(repo: RepoRef, ref: string): Promise<string | null>;
  /** Files under `path` at `sha` (all when `paths` is omitted, else only those that exist). */
  readFiles(repo: RepoRef, sha: string, path: string, paths?: string[]): Promise<FileContent[]>;
  /**
   * What `head` changed since it forked from `base` (`base...head`, from their merge base, as
   * a forge shows a pull request), limited to those under `path`. Equal to the plain diff
   * when `base` is an ancestor of `head`. Under `path` follows the kit's one rule (`isUnder`).
   * A rename is reported as "renamed" (with `previousPath`) only when both paths are under
   * `path`; a rename into it is an "added" of the new path, out of it a "deleted" of the old
   * path. A forge that does not detect renames may report a rename inside as delete + add.
   */
  changedFiles(repo: RepoRef, base: string, head: string, path: string): Promise<ChangedFile[]>;
  isAncestor(repo: RepoRef, ancestor: string, descendant: string): Promise<boolean>;
  createBranch(repo: RepoRef, branch: string, sha: string): Promise<void>;
  /** One atomic commit; throws BranchMovedError when the branch is not at `expectedHead`. */
  commit(request: CommitRequest): Promise<CommitResult>;

  /** A page comparing `head` with `base` where the provider knows one (providers without pull requests). */
  compareUrl?(repo: RepoRef, base: string, head: string): string | null;

  /** Opens a pull request, or returns the open one for the same head and base. */
  openPullRequest(request: OpenPullRequest): Promise<PullRequestInfo>;
  getPullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo>;

  publishCheck(report: CheckReport): Promise<CheckHandle>;
  /**
   * Creates or updates gitsync's one comment (found by COMMENT_MARKER) on a pull request. The
   * marker goes first and the text is cut to `maxCommentLength` with a note saying so; an
   * unchanged comment is left alone (the kit's `upsertMarkedComment`).
   */
  upsertComment(repo: RepoRef, pullRequest: number, body: string): Promise<void>;
  /**
   * Optional: `upsertComment` for a caller that keeps the id it returns. `known` is that id
   * from the pull request's previous call, or null when the caller knows gitsync has no comment
   * there (the pull request was just opened); either spares listing the conversation. A kept
   * comment that is gone (deleted since) is looked for by its marker and made again, as
   * `upsertComment` does; so is one when `known` is left out. A kept comment is written even
   * when its text is unchanged (one request, where the list would have been one). Returns the
   * comment's id.
   */
  upsertKeptComment?(repo: RepoRef, pullRequest: number, body: string, known?: string | null): Promise<string>;

  /** Optional: whether the credentials may push to `branch`, found out without writing anything. */
  checkPushAccess?(repo: RepoRef, branch: string): Promise<PushAccess>;

  /** Verifies the signature or token (constant time) and normalises; null for ignored events. */
  parseWebhook(request: WebhookRequest): Promise<ProviderEvent | null>;
}
