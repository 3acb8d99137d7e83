import { Branches, Commits, MergeRequestNotes, MergeRequests, Repositories, RepositoryFiles } from "@gitbeaker/rest";
import type { RateLimitOptions } from "@gitbeaker/requester-utils";
import {
  BranchMovedError,
  GitsyncError,
  type ChangedFile,
  type CheckHandle,
  type CheckReport,
  type CommitRequest,
  type CommitResult,
  type FileContent,
  type GitProvider,
  type OpenPullRequest,
  type ProviderCapabilities,
  type ProviderEvent,
  type PullRequestInfo,
  type RepoRef,
  type WebhookReceiver,
  type WebhookRequest,
  sameContent,
} from "../../core/index.js";
import { NOTE_LIMIT, statusDescription, statusState } from "./check-format.js";
import { branchHeadOf, commitOf, compareOf, mergeRequestOf } from "./mappers.js";
import { MergeRequestList, NoteList, read, StatusAnswer } from "./schema.js";
import { DEFAULT_RETRY, GitLabHttpError, gitlabRequester, type RetryOptions } from "./requester.js";
import { gitlabWebhookReceiver } from "./webhook.js";
import { byPath, changesUnder, commonDirectory, diffTrees, folderOf, isUnder, normalizeDirectory, noWebhookReceiver, readTarGz, upsertMarkedComment } from "../kit/index.js";

export interface GitLabProviderOptions {
  /** GitLab.com by default; the root URL of a self-managed instance otherwise (no `/api/v4`). */
  host?: string;
  /** A project, group or personal access token with `api` scope, or a function returning one. */
  token: string | (() => Promise<string>);
  /**
   * The secret token configured on the project's webhook (sent back in X-Gitlab-Token). Without
   * it the client only makes API calls; the server parses deliveries with its own receiver.
   */
  webhookSecret?: string;
  retry?: Partial<RetryOptions>;
  /** gitbeaker's client-side rate limits (requests per minute by endpoint glob). */
  rateLimits?: RateLimitOptions;
  /** At most this many named files are read one raw request each; more use one archive. */
  rawFileLimit?: number;
}

/** Up to this many files named, raw reads beat downloading an archive. */
export const DEFAULT_RAW_FILE_LIMIT = 5;
/**
 * GitLab stops listing compare diffs at the instance's `diff_max_files` (1,000 by default); at
 * that count the list may be cut, so the two trees are compared from archives instead.
 */
export const COMPARE_DIFF_LIMIT = 1000;
/** How long a resolved branch head stands for the head check of the commit that follows. */
export const HEAD_FRESH_MS = 5_000;
/** Notes are listed 100 per page (GitLab's maximum). */
export const NOTES_PER_PAGE = 100;
/** Merge requests likewise. */
const MERGE_REQUESTS_PER_PAGE = 100;

/** Messages of GitLab's commit service when a file is not as the actions assumed. */
const STALE_TREE = /already exists|does(?:n't| not) exist|has changed since|branch called .* already exists/i;

export class GitLabProvider implements GitProvider {
  readonly name = "gitlab" as const;
  readonly capabilities: ProviderCapabilities = {
    branchInCommit: true,
    setsCommitter: false,
    summaryComment: true,
    // Commit statuses carry no annotations: findings go to the description and the MR note.
    annotations: false,
    annotationsPerRequest: 0,
    maxAnnotations: 0,
    maxSummaryLength: NOTE_LIMIT,
    maxCommentLength: NOTE_LIMIT,
  };

  readonly #api: {
    Branches: Branches;
    Commits: Commits;
    MergeRequestNotes: MergeRequestNotes;
    MergeRequests: MergeRequests;
    Repositories: Repositories;
    RepositoryFiles: RepositoryFiles;
  };
  readonly #webhooks: WebhookReceiver;
  readonly #rawFileLimit: number;
  /** The last archive read for named files, by repository, commit and folder (see #archive). */
  readonly #namedRead = new Map<string, Map<string, Buffer>>();
  /** The last ref resolved and when: a commit right after it needs no second head read. */
  #resolved: { key: string; at: number } | null = null;

  constructor(options: GitLabProviderOptions) {
    const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
    const settings = {
      host: (options.host ?? "https://gitlab.com").replace(/\/+$/, ""),
      token: options.token,
      requesterFn: gitlabRequester(retry),
      // gitbeaker's defaults throttle archives to 5 a minute client-side; the server's own
      // limits answer 429 with Retry-After, which the requester honours.
      rateLimits: options.rateLimits ?? { "**": 3000 },
    };
    // Only the six resources used, not gitbeaker's full `Gitlab` bundle of ~200: one provider
    // exists per tenant connection.
    this.#api = {
      Branches: new Branches(settings),
      Commits: new Commits(settings),
      MergeRequestNotes: new MergeRequestNotes(settings),
      MergeRequests: new MergeRequests(settings),
      Repositories: new Repositories(settings),
      RepositoryFiles: new RepositoryFiles(settings),
    };
    this.#webhooks = options.webhookSecret === undefined ? noWebhookReceiver("gitlab") : gitlabWebhookReceiver(options.webhookSecret);
    this.#rawFileLimit = options.rawFileLimit ?? DEFAULT_RAW_FILE_LIMIT;
  }

  async resolveRef(repo: RepoRef, ref: string): Promise<string | null> {
    // The commits endpoint accepts a sha, a branch or a tag: one request whatever `ref` is.
    const commit = await orNull(() => this.#api.Commits.show(repo.repository, ref));
    const sha = commit === null ? null : commitOf(commit).id;
    this.#resolved = sha === null ? null : { key: `${repo.repository}\n${ref}\n${sha}`, at: Date.now() };
    return sha;
  }

  async readFiles(repo: RepoRef, sha: string, path: string, paths?: string[]): Promise<FileContent[]> {
    const directory = normalizeDirectory(path);
    if (paths === undefined) return toContents(await this.#archive(repo, sha, directory, (p) => isUnder(p, directory)));
    const wanted = [...new Set(paths)].filter((p) => isUnder(p, directory));
    if (wanted.length === 0) return [];
    // Several paths in one folder (a resource's .yaml, .yml and .json) are one archive read,
    // which the commit that follows reuses; a few scattered paths are one raw read each.
    const oneFolder = wanted.length > 1 && wanted.every((p) => folderOf(p) === folderOf(wanted[0] ?? ""));
    if (wanted.length <= this.#rawFileLimit && !oneFolder) {
      const read = await Promise.all(wanted.map(async (p) => ({ path: p, content: await this.#raw(repo, sha, p) })));
      return read.flatMap((f) => (f.content === null ? [] : [{ path: f.path, content: f.content }])).sort(byPath);
    }
    const keep = new Set(wanted);
    return toContents(await this.#archive(repo, sha, commonDirectory(wanted), (p) => keep.has(p), "keep"));
  }

  async changedFiles(repo: RepoRef, base: string, head: string, path: string): Promise<ChangedFile[]> {
    const directory = normalizeDirectory(path);
    // Not straight: from the merge base to head (base...head), as the merge request shows it.
    const compare = compareOf(await this.#api.Repositories.compare(repo.repository, base, head));
    const files =
      compare.timedOut || compare.listed >= COMPARE_DIFF_LIMIT
        ? await this.#diffArchives(repo, await this.#mergeBase(repo, base, head), head, directory)
        : compare.files;
    return changesUnder(files, directory);
  }

  async isAncestor(repo: RepoRef, ancestor: string, descendant: string): Promise<boolean> {
    try {
      const base = await this.#api.Repositories.mergeBase(repo.repository, [ancestor, descendant]);
      return commitOf(base, "merge base").id === ancestor;
    } catch (error) {
      // Unrelated histories: GitLab answers "Could not find merge base" with 400 or 404.
      if (error instanceof GitLabHttpError && (error.status === 400 || error.status === 404)) return false;
      throw error;
    }
  }

  async createBranch(repo: RepoRef, branch: string, sha: string): Promise<void> {
    const created = await this.#api.Branches.create(repo.repository, branch, sha);
    const head = branchHeadOf(created);
    if (head !== sha) throw new BranchMovedError(branch, sha, head);
  }

  /**
   * GitLab's commit API has no "expected head" parameter. The lock is: the branch head is checked
   * just before (and a mismatch fails without writing), create/update/delete actions are chosen
   * from the tree at `expectedHead` (so GitLab refuses a create of a file that appeared or a
   * delete of one that vanished), and the new commit's parent is checked after. See the docs
   * for the window this leaves.
   */
  async commit(request: CommitRequest): Promise<CommitResult> {
    const { repository } = request;
    const actual = this.#freshHead(request) ? request.expectedHead : await this.#branchHead(request);
    // An empty expected head and no branch: its root commit. GitLab makes it when the project
    // is empty (no start point given); in a project with history it refuses, and so do we.
    const root = actual === null && request.expectedHead === "";
    if (actual === null && request.createBranch !== true && !root) throw new BranchMovedError(request.branch, request.expectedHead, null);
    if (actual !== null && actual !== request.expectedHead) throw new BranchMovedError(request.branch, request.expectedHead || null, actual);

    const changes = new Map(request.changes.map((change) => [change.path, change]));
    const touched = [...changes.keys()];
    const creating = actual === null && !root;
    if (touched.length === 0) return this.#noDifference(request, creating);
    const keep = new Set(touched);
    const current = root ? new Map<string, Uint8Array>() : await this.#archive(request, request.expectedHead, commonDirectory(touched), (p) => keep.has(p), "reuse");

    const actions: { action: "create" | "update" | "delete"; filePath: string; content?: string; encoding?: "text" }[] = [];
    for (const change of changes.values()) {
      const existing = current.get(change.path);
      if (change.action === "delete") {
        if (existing !== undefined) actions.push({ action: "delete", filePath: change.path });
      } else if (existing === undefined || !sameContent(existing, change.content)) {
        actions.push({ action: existing === undefined ? "create" : "update", filePath: change.path, content: change.content, encoding: "text" });
      }
    }
    if (actions.length === 0) return this.#noDifference(request, creating);

    let created: unknown;
    try {
      created = await this.#api.Commits.create(repository, request.branch, request.message, actions, {
        authorName: request.author.name,
        authorEmail: request.author.email,
        ...(creating ? { startSha: request.expectedHead } : {}),
      });
    } catch (error) {
      if (error instanceof GitLabHttpError && error.status === 400 && STALE_TREE.test(error.gitlabMessage)) {
        throw new BranchMovedError(request.branch, request.expectedHead, null);
      }
      throw error;
    }
    const commit = commitOf(created, "created commit");
    const parent = commit.parentIds[0] ?? (root ? "" : null);
    // Someone pushed between the check and the commit: GitLab applied ours on top of theirs.
    // The actions chosen above still guarded creates and deletes; report the move so the engine
    // re-reads the branch (its retry finds its own commit and makes no second one).
    if (parent !== request.expectedHead) throw new BranchMovedError(request.branch, request.expectedHead, parent);
    return { sha: commit.id };
  }

  /** No commit; a branch the request asked to create still is, at the expected head (see the port). */
  async #noDifference(request: CommitRequest, creating: boolean): Promise<CommitResult> {
    if (creating) await this.createBranch(request, request.branch, request.expectedHead);
    return { sha: null };
  }

  /**
   * The head check before a commit: the engine resolved this branch to the expected head a
   * moment ago (then read the files it changes), so that answer is as fresh as a second read
   * would be by the time the commit is sent. The parent check after the commit still catches
   * a push in between.
   */
  #freshHead(request: CommitRequest): boolean {
    const resolved = this.#resolved;
    this.#resolved = null;
    if (resolved === null || request.expectedHead === "") return false;
    return resolved.key === `${request.repository}\n${request.branch}\n${request.expectedHead}` && Date.now() - resolved.at <= HEAD_FRESH_MS;
  }

  async #branchHead(request: CommitRequest): Promise<string | null> {
    const head = await orNull(() => this.#api.Branches.show(request.repository, request.branch));
    return head === null ? null : branchHeadOf(head);
  }

  async openPullRequest(request: OpenPullRequest): Promise<PullRequestInfo> {
    const open = read(
      MergeRequestList,
      await this.#api.MergeRequests.all({
        projectId: request.repository,
        state: "opened",
        sourceBranch: request.head,
        targetBranch: request.base,
        // gitbeaker follows every page's Link header; GitLab filters, so that is one page.
        perPage: MERGE_REQUESTS_PER_PAGE,
      }),
      "merge requests",
    );
    if (open.length > 0) return mergeRequestOf(open[0]);
    return mergeRequestOf(
      await this.#api.MergeRequests.create(request.repository, request.head, request.base, request.title, { description: request.body }),
    );
  }

  async getPullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo> {
    return mergeRequestOf(await this.#api.MergeRequests.show(repo.repository, number));
  }

  async publishCheck(report: CheckReport): Promise<CheckHandle> {
    const status = read(
      StatusAnswer,
      await this.#api.Commits.editStatus(report.repository, report.sha, statusState(report), {
        name: report.name,
        description: statusDescription(report),
        // The branch the status belongs to (POST /projects/:id/statuses/:sha, `ref`): without
        // it GitLab may attach the status to another branch's pipeline of the same commit.
        ...(report.ref === undefined ? {} : { ref: report.ref }),
        ...(report.detailsUrl === undefined ? {} : { targetUrl: report.detailsUrl }),
      }),
      "commit status",
    );
    return { id: String(status.id) };
  }

  async upsertComment(repo: RepoRef, pullRequest: number, body: string): Promise<void> {
    const notes = this.#api.MergeRequestNotes;
    await upsertMarkedComment(
      {
        list: async () =>
          read(NoteList, await notes.all(repo.repository, pullRequest, { perPage: NOTES_PER_PAGE }), "notes").map((note) => ({
            id: note.id,
            body: note.body,
            ignore: note.system,
          })),
        create: async (text) => void (await notes.create(repo.repository, pullRequest, text)),
        update: async (id, text) => void (await notes.edit(repo.repository, pullRequest, id, { body: text })),
      },
      body,
      NOTE_LIMIT,
    );
  }

  async parseWebhook(request: WebhookRequest): Promise<ProviderEvent | null> {
    return this.#webhooks.parseWebhook(request);
  }

  async #raw(repo: RepoRef, sha: string, path: string): Promise<Buffer | null> {
    const body: unknown = await orNull(() => this.#api.RepositoryFiles.showRaw(repo.repository, path, sha));
    if (body === null) return null;
    if (body instanceof Blob) return Buffer.from(await body.arrayBuffer());
    throw new GitsyncError("provider_error", `GitLab raw file ${path}: expected the file's bytes, got ${typeof body}`);
  }

  /**
   * The engine reads the files it is about to write (every format a resource may have) and
   * then commits them at the same head: the commit reuses that one read ("keep", then "reuse"),
   * which is safe because a commit's tree never changes. Other reads are not kept.
   */
  async #archive(repo: RepoRef, sha: string, directory: string, keep: (path: string) => boolean, cache?: "keep" | "reuse"): Promise<Map<string, Buffer>> {
    const key = `${repo.repository}\n${sha}\n${directory}`;
    const kept = cache === "reuse" ? this.#namedRead.get(key) : undefined;
    this.#namedRead.clear();
    const files = kept ?? (await this.#downloadArchive(repo, sha, directory));
    if (cache === "keep") this.#namedRead.set(key, files);
    return new Map([...files].filter(([path]) => keep(path)));
  }

  async #downloadArchive(repo: RepoRef, sha: string, directory: string): Promise<Map<string, Buffer>> {
    const download = () => this.#api.Repositories.showArchive(repo.repository, { fileType: "tar.gz", sha, ...(directory === "" ? {} : { path: directory }) });
    // A folder that does not exist at that commit: GitLab answers 200 with an empty body (some
    // versions 404) instead of an empty archive. Both mean the folder holds no file; a 404 for
    // the whole repository is an unknown commit and stays an error.
    const body: unknown = directory === "" ? await download() : await orNull(download);
    // An empty body labelled JSON reaches here as `{}`: the same empty folder.
    if (body === null || (isPlainEmpty(body) && directory !== "")) return new Map();
    if (!(body instanceof Blob)) throw new GitsyncError("provider_error", `GitLab archive of ${sha}: expected a tar.gz body, got ${typeof body}`);
    if (body.size === 0) return new Map();
    return readTarGz(new Uint8Array(await body.arrayBuffer()), () => true, `GitLab archive of ${sha}`);
  }

  /** The merge base of two commits; the first one itself for unrelated histories. */
  async #mergeBase(repo: RepoRef, a: string, b: string): Promise<string> {
    try {
      return commitOf(await this.#api.Repositories.mergeBase(repo.repository, [a, b]), "merge base").id;
    } catch (error) {
      if (error instanceof GitLabHttpError && (error.status === 400 || error.status === 404)) return a;
      throw error;
    }
  }

  async #diffArchives(repo: RepoRef, base: string, head: string, directory: string): Promise<ChangedFile[]> {
    const all = (p: string) => isUnder(p, directory);
    const [before, after] = await Promise.all([this.#archive(repo, base, directory, all), this.#archive(repo, head, directory, all)]);
    return diffTrees(before, after, (a, b) => a.equals(b));
  }
}

/** A 404 from GitLab means "no such ref/file/branch" for the callers that use this. */
async function orNull<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GitLabHttpError && error.status === 404) return null;
    throw error;
  }
}

function isPlainEmpty(body: unknown): boolean {
  return typeof body === "object" && body !== null && !(body instanceof Blob) && Object.keys(body).length === 0;
}

function toContents(files: Map<string, Buffer>): FileContent[] {
  return [...files].map(([path, content]) => ({ path, content })).sort(byPath);
}


