import {
  BranchMovedError,
  GitsyncError,
  type ChangedFile,
  type CheckHandle,
  type CheckReport,
  type CommitRequest,
  type CommitResult,
  type FileChange,
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
import { ANNOTATIONS_PER_REQUEST, CHECK_KEY, MAX_ANNOTATIONS, MAX_REPORT_DETAILS, annotationBatches, buildStatusBody, reportBody } from "./checks.js";
import { createClient, type BitbucketClient } from "./client.js";
import { httpStatus, toGitsyncError } from "./http.js";
import { branchHead, commitHash, diffstatEntry, page, prComment, pullRequest, srcEntry, tagHead } from "./mappers.js";
import { FullShas, srcLinkCommit } from "./full-shas.js";
import { KnownChanges } from "./change-reads.js";
import { DEFAULT_WEB_URL, type BitbucketProviderOptions } from "./options.js";
import { bitbucketWebhookReceiver } from "./webhook.js";
import {
  allPages,
  changesUnder,
  isUnder,
  newFilesFromDiff,
  noWebhookReceiver,
  normalizeDirectory,
  parseOwnerAndName,
  upsertKeptComment,
  upsertMarkedComment,
  type KeptCommentPrimitives,
  type Page,
} from "../kit/index.js";

export const BITBUCKET_CAPABILITIES: ProviderCapabilities = {
  // POST /src with a new branch name and `parents` creates the branch with the commit.
  branchInCommit: true,
  setsCommitter: false,
  summaryComment: true,
  annotations: true,
  annotationsPerRequest: ANNOTATIONS_PER_REQUEST,
  maxAnnotations: MAX_ANNOTATIONS,
  maxSummaryLength: MAX_REPORT_DETAILS,
  maxCommentLength: 32_000,
};

const FULL_SHA = /^[0-9a-f]{40}$/i;
const LISTING_PAGE = 100;
/** More lines of context than a configuration file has: each changed file's hunk then holds all of it. */
const DIFF_CONTEXT = 1_000_000;

interface Repo {
  workspace: string;
  repo_slug: string;
}

function splitRepository(repo: RepoRef): Repo {
  const [workspace, repo_slug] = parseOwnerAndName(repo.repository, "Bitbucket", "workspace/repo_slug");
  return { workspace, repo_slug };
}

/** Each segment percent-encoded, the slashes kept: unicode and odd file names survive the URL. */
function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function repoUrl(r: Repo): string {
  return `/repositories/${encodeURIComponent(r.workspace)}/${encodeURIComponent(r.repo_slug)}`;
}

/**
 * The file's bytes as sent, undecoded: validation judges the encoding. A string means the body
 * was decoded on the way (a Latin-1 byte would already be U+FFFD), so it is refused rather than
 * encoded back into different bytes.
 */
function fileBytes(data: unknown, context: string): Buffer {
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  throw new GitsyncError("provider_error", `bitbucket ${context}: unexpected response: expected the raw file content as bytes`, { provider: "bitbucket" });
}

/** The files found, in the order asked for; a path not found is left out. */
function inOrder(paths: string[], found: ReadonlyMap<string, Buffer>): FileContent[] {
  return paths.flatMap((path) => {
    const content = found.get(path);
    return content === undefined ? [] : [{ path, content }];
  });
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of results. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The form of POST /src. The client drops top-level form fields, so all of it goes in `_body`.
 * Text (all configuration is) goes url-encoded: values keep their bytes exactly, where multipart
 * text fields would have their line breaks turned into CRLF. The client encodes values but not
 * keys, so the path keys are encoded here; their leading slash keeps a file called `message`
 * apart from the commit message. Binary content (a NUL byte) goes as multipart file parts.
 */
function commitBody(request: CommitRequest): Record<string, string | string[]> | FormData {
  const meta = {
    message: request.message,
    author: `${request.author.name} <${request.author.email}>`,
    branch: request.branch,
    // `parents` is the lock: Bitbucket answers 409 unless the branch is still at this commit.
    // None for a root commit: in an empty repository Bitbucket then makes the first commit.
    ...(request.expectedHead !== "" ? { parents: request.expectedHead } : {}),
  };
  const deletes = request.changes.filter((c) => c.action === "delete").map((c) => `/${c.path}`);
  const upserts = request.changes.flatMap((c) => (c.action === "upsert" ? [c] : []));
  if (upserts.some((c) => c.content.includes("\u0000"))) {
    const form = new FormData();
    for (const c of upserts) form.append(`/${c.path}`, new Blob([c.content]), c.path.split("/").pop() ?? c.path);
    for (const path of deletes) form.append("files", path);
    for (const [key, value] of Object.entries(meta)) form.append(key, value);
    return form;
  }
  const fields: Record<string, string | string[]> = { ...meta };
  if (deletes.length > 0) fields.files = deletes;
  for (const c of upserts) fields[encodeURIComponent(`/${c.path}`)] = c.content;
  return fields;
}

export class BitbucketProvider implements GitProvider {
  readonly name = "bitbucket" as const;
  readonly capabilities = BITBUCKET_CAPABILITIES;
  private readonly client: BitbucketClient;
  private readonly webhooks: WebhookReceiver;
  private readonly webUrl: string;
  private readonly readConcurrency: number;
  private readonly fullShas = new FullShas();
  private readonly knownChanges = new KnownChanges();

  constructor(options: BitbucketProviderOptions) {
    this.client = createClient(options);
    this.webhooks = options.webhookSecret === undefined ? noWebhookReceiver("bitbucket") : bitbucketWebhookReceiver(options.webhookSecret);
    this.webUrl = (options.webUrl ?? DEFAULT_WEB_URL).replace(/\/+$/, "");
    this.readConcurrency = Math.max(1, options.readConcurrency ?? 8);
  }

  /** Every call goes through here so that no client error (which holds the token) escapes. */
  private async call<T>(operation: string, run: () => Promise<{ data: unknown; headers: Record<string, string> }>, map: (data: unknown) => T): Promise<T> {
    let response: { data: unknown; headers: Record<string, string> };
    try {
      response = await run();
    } catch (err) {
      throw toGitsyncError(err, operation);
    }
    return map(response.data);
  }

  /** Like `call`, but a 404 answers null. */
  private async maybe<T>(operation: string, run: () => Promise<{ data: unknown; headers: Record<string, string> }>, map: (data: unknown) => T): Promise<T | null> {
    try {
      return await this.call(operation, run, map);
    } catch (err) {
      if (err instanceof GitsyncError && err.code === "not_found") return null;
      throw err;
    }
  }

  /** Every page of a list: the first request, then each `next` URL Bitbucket names. */
  private listAll<T>(operation: string, first: () => Promise<{ data: unknown; headers: Record<string, string> }>, map: (data: unknown) => Page<T>): Promise<T[]> {
    return allPages(
      `bitbucket ${operation}`,
      () => this.call(operation, first, map),
      (url) => this.call(operation, () => this.client.api.request({ method: "GET", url }), map),
    );
  }

  private branchHead(r: Repo, branch: string): Promise<string | null> {
    const op = `GET branch ${branch}`;
    return this.maybe(op, () => this.client.api.repositories.getBranch({ ...r, name: branch }), (d) => branchHead(d, op));
  }

  /** Pull requests and webhooks carry 12-character hashes; the port promises full ones. */
  private async fullSha(r: Repo, hash: string): Promise<string> {
    if (FULL_SHA.test(hash)) return hash;
    const op = `GET commit ${hash}`;
    return this.call(op, () => this.client.api.repositories.getCommit({ ...r, commit: hash }), (d) => commitHash(d, op));
  }

  /** A check's head: known from its diff or an earlier status of the same check, else looked up. */
  private async checkSha(r: Repo, hash: string): Promise<string> {
    const repository = `${r.workspace}/${r.repo_slug}`;
    const known = this.fullShas.get(repository, hash);
    if (known !== undefined) return known;
    const sha = await this.fullSha(r, hash);
    this.fullShas.learn(repository, hash, sha);
    return sha;
  }

  async resolveRef(repo: RepoRef, ref: string): Promise<string | null> {
    const r = splitRepository(repo);
    if (FULL_SHA.test(ref)) {
      const op = `GET commit ${ref}`;
      return this.maybe(op, () => this.client.api.repositories.getCommit({ ...r, commit: ref }), (d) => commitHash(d, op));
    }
    const branch = await this.branchHead(r, ref);
    if (branch !== null) return branch;
    const op = `GET tag ${ref}`;
    return this.maybe(op, () => this.client.api.repositories.getTag({ ...r, name: ref }), (d) => tagHead(d, op));
  }

  /** The raw content of one file at a commit, or null when it does not exist there. */
  private readRaw(r: Repo, sha: string, path: string): Promise<Buffer | null> {
    const op = `GET src ${path}`;
    const url = `${repoUrl(r)}/src/${encodeURIComponent(sha)}/${encodePath(path)}`;
    return this.maybe(op, () => this.client.api.request({ method: "GET", url, request: { fetch: this.client.rawFetch } }), (d) => fileBytes(d, op));
  }

  /**
   * The new side of a change's files from one diff request, checked file by file (see
   * ./change-reads.ts): `renames=false` gives a renamed file whole, as an addition, with its
   * index line; `binary=false` leaves binary content out (it is read raw). The client's named
   * route types `path` as one value, so the request goes like a raw read, as bytes. A diff that
   * fails (too large, refused) is no answer: its files are read raw, which surfaces any real
   * error; only a refused token stops at once.
   */
  private async readFromDiff(r: Repo, spec: string, paths: string[]): Promise<Map<string, Buffer>> {
    const op = `GET diff ${spec}`;
    const url = `${repoUrl(r)}/diff/${encodeURIComponent(spec)}`;
    const query = { context: DIFF_CONTEXT, path: paths, topic: true, renames: false, binary: false };
    try {
      return await this.call(op, () => this.client.api.request({ method: "GET", url, ...query, request: { fetch: this.client.rawFetch } }), (d) => newFilesFromDiff(fileBytes(d, op)));
    } catch (err) {
      if (err instanceof GitsyncError && (err.code === "unauthorized" || err.code === "forbidden")) throw err;
      return new Map();
    }
  }

  /** Files read raw, one request each (at most `readConcurrency` at once); those that do not exist are left out. */
  private async readEach(r: Repo, sha: string, paths: string[]): Promise<Map<string, Buffer>> {
    const contents = await mapLimit(paths, this.readConcurrency, (p) => this.readRaw(r, sha, p));
    return new Map(paths.flatMap((p, i) => (contents[i] ? [[p, contents[i]] as const] : [])));
  }

  /** Named files at a commit: a change's from its diff where its diffstat is known, the rest raw. */
  private async readNamed(r: Repo, sha: string, wanted: string[]): Promise<Map<string, Buffer>> {
    const plan = this.knownChanges.plan(`${r.workspace}/${r.repo_slug}`, sha, wanted);
    const fromDiffs = await mapLimit(plan.diffs, this.readConcurrency, (d) => this.readFromDiff(r, d.spec, d.paths));
    const found = new Map(fromDiffs.flatMap((files) => [...files]));
    const unread = [...plan.raw, ...plan.diffs.flatMap((d) => d.paths.filter((p) => !found.has(p)))];
    for (const [path, content] of await this.readEach(r, sha, unread)) found.set(path, content);
    return found;
  }

  /**
   * Bitbucket's REST API has no archive of a commit (the web site's download links are not part
   * of it), so: the recursive src listing (100 entries a page), then one raw GET per file. Named
   * files that a diffstat just listed as changed come from its diff instead (`readNamed`).
   */
  async readFiles(repo: RepoRef, sha: string, path: string, paths?: string[]): Promise<FileContent[]> {
    const r = splitRepository(repo);
    const dir = normalizeDirectory(path);
    if (paths) {
      const wanted = [...new Set(paths)].filter((p) => isUnder(p, dir));
      return inOrder(wanted, await this.readNamed(r, sha, wanted));
    }
    const op = `GET src listing ${dir || "/"}`;
    const url = `${repoUrl(r)}/src/${encodeURIComponent(sha)}/${dir ? `${encodePath(dir)}/` : ""}`;
    let entries: { path: string; type: string }[];
    try {
      entries = await this.listAll(op, () => this.client.api.request({ method: "GET", url, max_depth: 100, pagelen: LISTING_PAGE }), (d) =>
        page(d, op, (v, at) => srcEntry(v, at, op)),
      );
    } catch (err) {
      if (err instanceof GitsyncError && err.code === "not_found") return [];
      throw err;
    }
    const files = entries.filter((e) => e.type === "commit_file").map((e) => e.path);
    return inOrder(files, await this.readEach(r, sha, files));
  }

  async changedFiles(repo: RepoRef, base: string, head: string, path: string): Promise<ChangedFile[]> {
    const r = splitRepository(repo);
    const op = `GET diffstat ${head}..${base}`;
    // topic=true: from the merge base to head (`git diff base...head`), as the pull request shows it.
    const entries = await this.listAll(op, () => this.client.api.repositories.listDiffStats({ ...r, spec: `${head}..${base}`, topic: true }), (d) =>
      page(d, op, (v, at) => diffstatEntry(v, at, op)),
    );
    // A pull request's check names its head by the webhook's short hash; the new side of any
    // entry links to the head in full, which spares the check its look-up.
    const linked = entries.map((e) => srcLinkCommit(e.newLink)).find((sha) => sha !== null);
    if (linked) this.fullShas.learn(`${r.workspace}/${r.repo_slug}`, head, linked);
    // The reads that follow (the changed files at the head) may then come from the diff.
    const heads = linked?.toLowerCase().startsWith(head.toLowerCase()) ? [head, linked] : [head];
    this.knownChanges.learn(`${r.workspace}/${r.repo_slug}`, heads, base, entries.map((e) => e.change));
    return changesUnder(
      entries.map((e) => e.change),
      path,
    );
  }

  async isAncestor(repo: RepoRef, ancestor: string, descendant: string): Promise<boolean> {
    const r = splitRepository(repo);
    const op = `GET merge-base ${ancestor}..${descendant}`;
    const base = await this.call(op, () => this.client.api.repositories.getMergeBase({ ...r, revspec: `${ancestor}..${descendant}` }), (d) => commitHash(d, op));
    return base.toLowerCase().startsWith(ancestor.toLowerCase()) || ancestor.toLowerCase().startsWith(base.toLowerCase());
  }

  async createBranch(repo: RepoRef, branch: string, sha: string): Promise<void> {
    const r = splitRepository(repo);
    const op = `POST branch ${branch}`;
    await this.call(op, () => this.client.api.repositories.createBranch({ ...r, _body: { name: branch, target: { hash: sha } } }), (d) => branchHead(d, op));
  }

  /**
   * Bitbucket happily records a commit that changes nothing, so the adapter proves a difference
   * first: it reads the changed paths at the expected head one by one and stops at the first
   * one that differs. The engine only sends real differences, so that is one read in practice;
   * only a change that turns out to be empty reads every path (and then writes nothing).
   */
  private async makesDifference(r: Repo, head: string, changes: FileChange[]): Promise<boolean> {
    for (const change of changes) {
      const current = await this.readRaw(r, head, change.path);
      if (change.action === "delete" ? current !== null : current === null || !sameContent(current, change.content)) return true;
    }
    return false;
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const r = splitRepository(request);
    const { branch, expectedHead } = request;
    const head = await this.branchHead(r, branch);
    // An empty expected head and no branch: its root commit, of the files alone.
    const root = head === null && expectedHead === "";
    if (head === null ? !request.createBranch && !root : head !== expectedHead) throw new BranchMovedError(branch, expectedHead || null, head);
    if (root ? !request.changes.some((c) => c.action === "upsert") : !(await this.makesDifference(r, expectedHead, request.changes))) {
      // No commit; a branch the request asked to create still is, at the expected head (see the port).
      if (head === null && !root) await this.createBranch(request, branch, expectedHead);
      return { sha: null };
    }

    const body = commitBody(request);
    const op = `POST src (commit to ${branch})`;
    let location: string | undefined;
    try {
      const response = await this.client.api.repositories.createSrcFileCommit({ ...r, _body: body });
      location = response.headers.location;
    } catch (err) {
      if (httpStatus(err) === 409) throw new BranchMovedError(branch, expectedHead, await this.branchHead(r, branch));
      throw toGitsyncError(err, op);
    }
    // 201 with a Location and no body: the new head is read from the branch.
    const newHead = await this.branchHead(r, branch);
    const fromLocation = location?.match(/\/commit\/([0-9a-f]{40})(?:[/?#]|$)/i)?.[1] ?? null;
    // If someone pushed right after us, the branch is past our commit; the Location still names ours.
    const sha = fromLocation ?? newHead;
    if (sha === null) throw new GitsyncError("provider_error", `bitbucket ${op}: the branch has no head after the commit`, { provider: "bitbucket" });
    return { sha };
  }

  private async withFullShas(r: Repo, pr: PullRequestInfo): Promise<PullRequestInfo> {
    const headSha = await this.fullSha(r, pr.headSha);
    const mergeCommitSha = pr.mergeCommitSha === null ? null : await this.fullSha(r, pr.mergeCommitSha);
    return { ...pr, headSha, mergeCommitSha };
  }

  async openPullRequest(request: OpenPullRequest): Promise<PullRequestInfo> {
    const r = splitRepository(request);
    const quote = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;
    const listOp = `GET pullrequests from ${request.head}`;
    const open = await this.listAll(
      listOp,
      () =>
        this.client.api.repositories.listPullRequests({
          ...r,
          state: "OPEN",
          q: `source.branch.name = ${quote(request.head)} AND destination.branch.name = ${quote(request.base)}`,
        }),
      (d) => page(d, listOp, (v, at) => pullRequest(v, `${listOp} (${at})`)),
    );
    const found = open.find((pr) => pr.head === request.head && pr.base === request.base);
    if (found) return this.withFullShas(r, found);
    const op = `POST pullrequest from ${request.head}`;
    const created = await this.call(
      op,
      () =>
        this.client.api.repositories.createPullRequest({
          ...r,
          _body: {
            type: "pullrequest",
            title: request.title,
            description: request.body,
            source: { branch: { name: request.head } },
            destination: { branch: { name: request.base } },
            close_source_branch: false,
          },
        }),
      (d) => pullRequest(d, op),
    );
    return this.withFullShas(r, created);
  }

  async getPullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo> {
    const r = splitRepository(repo);
    const op = `GET pullrequest ${number}`;
    const pr = await this.call(op, () => this.client.api.repositories.getPullRequest({ ...r, pull_request_id: number }), (d) => pullRequest(d, op));
    return this.withFullShas(r, pr);
  }

  async publishCheck(report: CheckReport): Promise<CheckHandle> {
    const r = splitRepository(report);
    // Statuses, reports and annotations are keyed by "the commit's SHA1": a pull request's
    // 12-character hash is expanded first, so every check lands on the full hash.
    const sha = await this.checkSha(r, report.sha);
    return this.publishOn(r, { ...report, sha });
  }

  private async publishOn(r: Repo, report: CheckReport): Promise<CheckHandle> {
    const url = report.detailsUrl ?? `${this.webUrl}/${r.workspace}/${r.repo_slug}/commits/${report.sha}`;
    const statusOp = `POST build status on ${report.sha}`;
    await this.call(statusOp, () => this.client.api.repositories.createCommitBuildStatus({ ...r, commit: report.sha, _body: buildStatusBody(report, url) }), () => null);
    // The build status alone shows a check running; the report holds the verdict, so it is
    // written once, with the verdict, rather than once pending and again when done.
    if (report.status !== "completed") return { id: CHECK_KEY };

    const dropped = Math.max(0, report.annotations.length - MAX_ANNOTATIONS);
    // The note on dropped annotations must survive the report's details limit, so the summary
    // is cut first (at a line break) to leave room for it.
    const droppedNote = `\n\n${dropped} more findings are not annotated (Bitbucket keeps ${MAX_ANNOTATIONS} per report).`;
    const room = MAX_REPORT_DETAILS - droppedNote.length;
    const kept = report.summary.length <= room ? report.summary : `${report.summary.slice(0, Math.max(0, report.summary.lastIndexOf("\n", room - 2)))}\n…`;
    const summary = dropped > 0 ? `${kept}${droppedNote}` : report.summary;
    const reportUrl = "/repositories/{workspace}/{repo_slug}/commit/{commit}/reports/{reportId}";
    const ids = { ...r, commit: report.sha, reportId: CHECK_KEY };
    await this.call(`PUT report on ${report.sha}`, () => this.client.api.request({ method: "PUT", url: reportUrl, ...ids, _body: reportBody({ ...report, summary }) }), () => null);
    for (const batch of annotationBatches(report.annotations)) {
      await this.call(`POST annotations on ${report.sha}`, () => this.client.api.request({ method: "POST", url: `${reportUrl}/annotations`, ...ids, _body: batch }), () => null);
    }
    return { id: CHECK_KEY };
  }

  /** gitsync's comment on a pull request: the conversation listed, a comment created or updated. */
  private commentPrimitives(repo: RepoRef, pullRequest: number): KeptCommentPrimitives<number> {
    const ids = { ...splitRepository(repo), pull_request_id: pullRequest };
    const listOp = `GET comments of pullrequest ${pullRequest}`;
    const createOp = `POST comment on pullrequest ${pullRequest}`;
    const content = (raw: string) => ({ type: "pullrequest_comment", content: { raw } });
    return {
      list: async () =>
        (
          await this.listAll(listOp, () => this.client.api.repositories.listPullRequestComments({ ...ids, pagelen: 100 }), (d) =>
            page(d, listOp, (v, at) => prComment(v, `${listOp} (${at})`)),
          )
        ).map((c) => ({ id: c.id, body: c.raw, ignore: c.deleted })),
      create: (raw) => this.call(createOp, () => this.client.api.repositories.createPullRequestComment({ ...ids, _body: content(raw) }), (d) => prComment(d, createOp).id),
      // A comment deleted in the pull request is gone: 404, or (Bitbucket keeps deleted comments) marked deleted.
      update: async (id, raw) => {
        const op = `PUT comment ${id}`;
        const updated = await this.maybe(op, () => this.client.api.repositories.updatePullRequestComment({ ...ids, comment_id: id, _body: content(raw) }), (d) => prComment(d, op));
        return updated !== null && !updated.deleted;
      },
    };
  }

  async upsertComment(repo: RepoRef, pullRequest: number, body: string): Promise<void> {
    await upsertMarkedComment(this.commentPrimitives(repo, pullRequest), body, BITBUCKET_CAPABILITIES.maxCommentLength);
  }

  async upsertKeptComment(repo: RepoRef, pullRequest: number, body: string, known?: string | null): Promise<string> {
    // An id that is not Bitbucket's (a number) is treated as not kept: the comment is looked for.
    const id = typeof known === "string" ? (/^\d+$/.test(known) ? Number(known) : undefined) : known;
    return String(await upsertKeptComment(this.commentPrimitives(repo, pullRequest), body, BITBUCKET_CAPABILITIES.maxCommentLength, id));
  }

  async parseWebhook(request: WebhookRequest): Promise<ProviderEvent | null> {
    return this.webhooks.parseWebhook(request);
  }
}
