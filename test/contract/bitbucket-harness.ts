import nock from "nock";
import { BitbucketProvider } from "../../src/providers/bitbucket/index.js";
import type { RepoRef, WebhookRequest } from "../../src/core/index.js";
import { BitbucketDiffs } from "./bitbucket-diffs.js";
import { BitbucketModel, fixture, signedDelivery, type ModelPull } from "./bitbucket-model.js";
import { textMap, toBytes, type FileBytes } from "./file-bytes.js";
import type { CheckInfo, ContractHarness, ContractStep } from "./harness.js";

/**
 * Bitbucket Cloud behind strict nock. `expect(step)` registers exactly the one-shot requests
 * the adapter makes for that step; every reply is computed from the in-memory model.
 */

export const API_ORIGIN = "https://api.bitbucket.org";
const WORKSPACE = "acme";
const SLUG = "config";
const PREFIX = `/2.0/repositories/${WORKSPACE}/${SLUG}`;
const API_URL = `${API_ORIGIN}${PREFIX}`;
const WEB_URL = `https://bitbucket.org/${WORKSPACE}/${SLUG}`;
const WEBHOOK_SECRET = "bitbucket-webhook-secret-for-tests";
const TOKEN = "bitbucket-test-token-never-shown";
const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };
const LISTING_PAGE = 100;

/** Each list's page size when none is asked for, and the most it gives when one is. */
const PAGE_SIZES = {
  "src-listing": { default: 10, max: 100 },
  diffstat: { default: 500, max: 500 },
  pullrequests: { default: 10, max: 50 },
  comments: { default: 10, max: 100 },
};
type ListName = keyof typeof PAGE_SIZES;

/** How many pages a list of `count` values takes at `pagelen` (an empty list is one page). */
function pageCount(count: number, pagelen: number): number {
  return Math.max(1, Math.ceil(count / pagelen));
}

/**
 * One page of a list as Bitbucket answers it: `pagelen` values from `page`, the absolute URL of
 * the next page in `next` (its query the request's own with the page moved on), none on the last.
 */
function paged(list: ListName, all: unknown[], url: string, query: URLSearchParams): Record<string, any> {
  const body = fixture(list);
  const sizes = PAGE_SIZES[list];
  const pagelen = Math.min(sizes.max, Number(query.get("pagelen") ?? sizes.default));
  const page = Number(query.get("page") ?? 1);
  body.pagelen = pagelen;
  body.page = page;
  body.size = all.length;
  body.values = all.slice((page - 1) * pagelen, page * pagelen);
  const next = new URLSearchParams(query);
  next.set("page", String(page + 1));
  if (all.length > page * pagelen) body.next = `${url}?${next.toString()}`;
  else delete body.next;
  return body;
}

type Method = "GET" | "POST" | "PUT";
type Reply = [number, unknown?, Record<string, string>?];
type Handler = (match: RegExpMatchArray, query: URLSearchParams, body: unknown, headers: Record<string, string | string[] | undefined>) => Reply | Promise<Reply>;

const HEX = "[0-9a-f]{7,40}";
const R = {
  branch: /^\/refs\/branches\/(.+)$/,
  branches: /^\/refs\/branches$/,
  tag: /^\/refs\/tags\/(.+)$/,
  commit: new RegExp(`^/commit/(${HEX})$`),
  raw: new RegExp(`^/src/(${HEX})/(.*[^/])$`),
  listing: new RegExp(`^/src/(${HEX})/(.*)$`),
  src: /^\/src$/,
  diffstat: new RegExp(`^/diffstat/(${HEX})\\.\\.(${HEX})$`),
  diff: new RegExp(`^/diff/(${HEX})\\.\\.(${HEX})$`),
  mergeBase: new RegExp(`^/merge-base/(${HEX})\\.\\.(${HEX})$`),
  pulls: /^\/pullrequests$/,
  pull: /^\/pullrequests\/(\d+)$/,
  comments: /^\/pullrequests\/(\d+)\/comments$/,
  comment: /^\/pullrequests\/(\d+)\/comments\/(\d+)$/,
  status: new RegExp(`^/commit/(${HEX})/statuses/build$`),
  report: new RegExp(`^/commit/(${HEX})/reports/([^/]+)$`),
  annotations: new RegExp(`^/commit/(${HEX})/reports/([^/]+)/annotations$`),
};

function splitUri(uri: string): { path: string; query: URLSearchParams } | null {
  const url = new URL(uri, API_ORIGIN);
  if (!url.pathname.startsWith(`${PREFIX}/`)) return null;
  const rest = url.pathname.slice(PREFIX.length).split("/").map(decodeURIComponent).join("/");
  return { path: rest, query: url.searchParams };
}

function notFound(message: string): Reply {
  const body = fixture("error-not-found");
  body.error.message = message;
  delete body.error.detail;
  return [404, body, JSON_TYPE];
}

export class BitbucketHarness implements ContractHarness {
  readonly provider: BitbucketProvider;
  readonly repo: RepoRef = { repository: `${WORKSPACE}/${SLUG}` };
  readonly http = true;
  readonly model = new BitbucketModel(API_URL, WEB_URL);
  /** Diffs and the reads of a listed change; its settings make diffs fall short of git's. */
  readonly diffs = new BitbucketDiffs(this.model);
  private count = 0;
  private failNext: { status: 502 | 429; retryAfterSeconds?: number } | null = null;
  /** A pending `failure` step, and whether the step it hit registers nothing more. */
  private refusal: 401 | 503 | null = null;
  private muted = false;

  /** Retry waits, recorded instead of slept: a Retry-After of seconds costs no time. */
  readonly retryWaits: number[] = [];

  constructor(options: { retryMinDelayMs?: number } = {}) {
    this.provider = new BitbucketProvider({
      auth: { token: TOKEN },
      webhookSecret: WEBHOOK_SECRET,
      retry: { minDelayMs: options.retryMinDelayMs ?? 1, sleep: async (ms) => void this.retryWaits.push(ms) },
    });
  }

  async seed(files: Record<string, FileBytes>): Promise<string> {
    const sha = this.model.addCommit([], files, "Initial configuration\n", "Seed <seed@example.com>");
    this.model.branches.set("main", sha);
    this.count = 0;
    return sha;
  }

  requestCount(): number {
    return this.count;
  }

  webhookSha(sha: string): string {
    return sha.slice(0, 12);
  }

  async emptyRepository(): Promise<void> {
    this.model.branches.clear();
  }

  async deleteBranch(branch: string): Promise<void> {
    this.model.branches.delete(branch);
  }

  async addComments(pullRequest: number, bodies: string[]): Promise<void> {
    const list = this.model.comments.get(pullRequest) ?? [];
    for (const raw of bodies) list.push({ id: this.model.nextCommentId(), raw, deleted: false });
    this.model.comments.set(pullRequest, list);
  }

  async addPullRequests(heads: string[]): Promise<void> {
    for (const head of heads) {
      const id = this.model.nextPullId();
      this.model.branches.set(head, this.model.branches.get("main") as string);
      this.model.pulls.set(id, { id, title: head, description: "", source: head, destination: "main", state: "OPEN" });
    }
  }

  async addBranches(names: string[], sha: string): Promise<void> {
    for (const name of names) this.model.branches.set(name, sha);
  }

  async snapshot(sha: string): Promise<Record<string, string>> {
    return textMap(Object.entries(this.model.commits.get(sha)?.files ?? {}));
  }

  async head(branch: string): Promise<string | null> {
    return this.model.branches.get(branch) ?? null;
  }

  async checks(sha: string): Promise<CheckInfo[]> {
    return [...(this.model.statuses.get(sha)?.values() ?? [])].map((s) => ({
      name: s.name,
      status: s.state === "INPROGRESS" ? "in_progress" : "completed",
      conclusion: s.state === "INPROGRESS" ? null : s.state === "FAILED" ? "failure" : "success",
      annotations: this.model.reports.get(sha)?.get(s.key)?.annotations.size ?? 0,
    }));
  }

  async comments(pullRequest: number): Promise<string[]> {
    return (this.model.comments.get(pullRequest) ?? []).filter((c) => !c.deleted && c.raw.includes("<!-- gitsync -->")).map((c) => c.raw);
  }

  pushWebhook(input: { branch: string; before: string; after: string; validSignature: boolean }): WebhookRequest {
    return signedDelivery("repo:push", this.model.pushPayload(input), input.validSignature ? WEBHOOK_SECRET : "not-the-secret");
  }


  async cleanup(): Promise<void> {
    this.failNext = null;
  }

  /** One one-shot interceptor; a pending transient failure is put in front of the first one. */
  private route(method: Method, path: RegExp, handler: Handler): void {
    const matcher = (uri: string) => {
      const parts = splitUri(uri);
      return parts !== null && path.test(parts.path);
    };
    if (this.muted) return;
    if (this.refusal !== null) return this.refuse(method, matcher);
    if (this.failNext) {
      const { status, retryAfterSeconds } = this.failNext;
      this.failNext = null;
      const headers: Record<string, string> = { ...JSON_TYPE };
      if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
      nock(API_ORIGIN)
        .intercept(matcher, method)
        .reply(() => {
          this.count++;
          return [status, fixture("error-transient"), headers];
        });
    }
    const harness = this;
    nock(API_ORIGIN)
      .intercept(matcher, method)
      .reply(async function (uri, body) {
        harness.count++;
        const parts = splitUri(uri) as { path: string; query: URLSearchParams };
        return handler(parts.path.match(path) as RegExpMatchArray, parts.query, body, this.req.headers);
      });
  }

  /** The provider's fetch retries a 5xx three times and never a 401. */
  private refuse(method: Method, matcher: (uri: string) => boolean): void {
    const status = this.refusal as 401 | 503;
    this.refusal = null;
    this.muted = true;
    const body = { type: "error", error: { message: status === 401 ? "Unauthorized" : "Service Unavailable" } };
    for (let i = 0; i < (status >= 500 ? 4 : 1); i++) {
      nock(API_ORIGIN)
        .intercept(matcher, method)
        .reply(() => {
          this.count++;
          return [status, body, JSON_TYPE];
        });
    }
  }

  expect(step: ContractStep): void {
    this.muted = false;
    switch (step.op) {
      case "failure":
        this.refusal = step.status;
        return;
      case "transientFailure":
        this.failNext = { status: step.status, ...(step.retryAfterSeconds !== undefined ? { retryAfterSeconds: step.retryAfterSeconds } : {}) };
        return;
      case "resolveRef":
        if (/^[0-9a-f]{40}$/.test(step.ref)) return this.route("GET", R.commit, (m) => this.getCommit(m[1] as string));
        this.route("GET", R.branch, (m) => this.getBranch(m[1] as string));
        if (!step.exists) this.route("GET", R.tag, (m) => notFound(`tag ${m[1]} not found`));
        return;
      case "readFiles": {
        const dir = step.path.replace(/^\/+|\/+$/g, "");
        let count: number;
        if (step.paths) {
          const reads = this.diffs.reads(step.sha, [...new Set(step.paths.filter((p) => dir === "" || p.startsWith(`${dir}/`)))]);
          for (let i = 0; i < reads.diffs.length; i++) this.route("GET", R.diff, (m, q) => this.diffs.reply(m[1] as string, m[2] as string, q));
          count = reads.raw.length;
        } else {
          const entries = this.model.listing(step.sha, dir);
          const pages = Math.max(1, Math.ceil((entries?.length ?? 0) / LISTING_PAGE));
          for (let i = 0; i < pages; i++) this.route("GET", R.listing, (m, q) => this.getListing(m[1] as string, m[2] as string, q));
          count = entries?.filter((e) => e.type === "commit_file").length ?? 0;
        }
        for (let i = 0; i < count; i++) this.route("GET", R.raw, (m) => this.getRaw(m[1] as string, m[2] as string));
        return;
      }
      case "changedFiles": {
        this.diffs.listed(step.head, step.base);
        const changes = this.diffstatValues(step.head, step.base, new URLSearchParams())?.length ?? 0;
        for (let i = 0; i < pageCount(changes, PAGE_SIZES.diffstat.default); i++) this.route("GET", R.diffstat, (m, q) => this.getDiffstat(m[1] as string, m[2] as string, q));
        return;
      }
      case "isAncestor":
        return this.route("GET", R.mergeBase, (m) => this.getMergeBase(m[1] as string, m[2] as string));
      case "createBranch":
        return this.route("POST", R.branches, (_m, _q, body) => this.postBranch(body));
      case "commit": {
        this.route("GET", R.branch, (m) => this.getBranch(m[1] as string));
        if (step.outcome === "moved") return;
        // A root commit reads no file first: there is no tree to compare with.
        const reads = step.root === true ? 0 : step.outcome === "empty" ? step.files : 1;
        for (let i = 0; i < reads; i++) this.route("GET", R.raw, (m) => this.getRaw(m[1] as string, m[2] as string));
        // No difference on a branch asked for: the branch is created at the expected head.
        if (step.outcome === "empty" && step.createBranch === true && !this.model.branches.has(step.branch)) this.route("POST", R.branches, (_m, _q, body) => this.postBranch(body));
        if (step.outcome === "empty") return;
        this.route("POST", R.src, (_m, _q, body, headers) => this.postSrc(body, headers));
        this.route("GET", R.branch, (m) => this.getBranch(m[1] as string));
        return;
      }
      case "openPullRequest": {
        const filter = new URLSearchParams({ state: "OPEN", q: `source.branch.name = "${step.head}" AND destination.branch.name = "${step.base}"` });
        for (let i = 0; i < pageCount(this.openPulls(filter).length, PAGE_SIZES.pullrequests.default); i++) this.route("GET", R.pulls, (_m, q) => this.listPulls(q));
        if (!step.existing) this.route("POST", R.pulls, (_m, _q, body) => this.postPull(body));
        this.route("GET", R.commit, (m) => this.getCommit(m[1] as string));
        return;
      }
      case "getPullRequest": {
        this.route("GET", R.pull, (m) => this.getPull(Number(m[1])));
        this.route("GET", R.commit, (m) => this.getCommit(m[1] as string));
        if (this.model.pulls.get(step.number)?.mergeCommit) this.route("GET", R.commit, (m) => this.getCommit(m[1] as string));
        return;
      }
      case "publishCheck": {
        if (step.shortSha === true) this.route("GET", R.commit, (m) => this.getCommit(m[1] as string));
        this.route("POST", R.status, (m, _q, body) => this.postStatus(m[1] as string, body));
        if (step.status !== "completed") return;
        this.route("PUT", R.report, (m, _q, body) => this.putReport(m[1] as string, m[2] as string, body));
        const batches = Math.ceil(Math.min(step.annotations, 1000) / 100);
        for (let i = 0; i < batches; i++) this.route("POST", R.annotations, (m, _q, body) => this.postAnnotations(m[1] as string, m[2] as string, body));
        return;
      }
      case "upsertComment":
        // A kept id is updated first; only one that is gone leads to the list.
        if (step.kept === "id" || step.kept === "gone") this.route("PUT", R.comment, (m, _q, body) => this.putComment(Number(m[1]), Number(m[2]), body));
        if (step.kept === "id") return;
        for (let i = 0; step.kept !== "none" && i < pageCount((this.model.comments.get(step.pullRequest) ?? []).length, 100); i++) {
          this.route("GET", R.comments, (m, q) => this.listComments(Number(m[1]), q));
        }
        if (step.existing) this.route("PUT", R.comment, (m, _q, body) => this.putComment(Number(m[1]), Number(m[2]), body));
        else this.route("POST", R.comments, (m, _q, body) => this.postComment(Number(m[1]), body));
        return;
    }
  }

  // ---- replies, computed from the model ----

  private getCommit(hash: string): Reply {
    const c = this.model.findCommit(hash);
    return c ? [200, this.model.commitJson(c.sha), JSON_TYPE] : notFound(`commit ${hash} not found`);
  }

  private getBranch(name: string): Reply {
    return this.model.branches.has(name) ? [200, this.model.branchJson(name), JSON_TYPE] : notFound(`branch ${name} not found`);
  }

  private getRaw(sha: string, path: string): Reply {
    const content = this.model.findCommit(sha)?.files[path];
    // The bytes as stored, under a text type: a client that decodes text would lose them.
    return content === undefined ? notFound(`no such file ${path}`) : [200, content, { "content-type": "text/plain" }];
  }

  private getListing(sha: string, path: string, query: URLSearchParams): Reply {
    const commit = this.model.findCommit(sha);
    const entries = commit ? this.model.listing(commit.sha, path.replace(/\/+$/, "")) : null;
    if (!entries) return notFound(`no such directory ${path}`);
    if (Number(query.get("max_depth") ?? 1) < 10) throw new Error("the harness models a deep listing only");
    const body = paged("src-listing", entries, `${API_URL}/src/${sha}/${path.split("/").map(encodeURIComponent).join("/")}`, query);
    delete body.size;
    return [200, body, JSON_TYPE];
  }

  /** The diffstat's entries; null when a commit is unknown. */
  private diffstatValues(head: string, base: string, query: URLSearchParams): Record<string, any>[] | null {
    const h = this.model.findCommit(head);
    const b = this.model.findCommit(base);
    if (!h || !b) return null;
    // topic (true unless `false`): a three-dot diff from the merge base; false: the two trees.
    const from = query.get("topic") === "false" ? b.sha : (this.model.mergeBase(h.sha, b.sha) ?? b.sha);
    return this.model.diffstat(from, h.sha);
  }

  private getDiffstat(head: string, base: string, query: URLSearchParams): Reply {
    const values = this.diffstatValues(head, base, query);
    if (values === null) return notFound("commit not found");
    return [200, paged("diffstat", values, `${API_URL}/diffstat/${head}..${base}`, query), JSON_TYPE];
  }

  private getMergeBase(a: string, b: string): Reply {
    const base = this.model.mergeBase(a, b);
    return base ? [200, this.model.commitJson(base), JSON_TYPE] : notFound("no merge base");
  }

  private postBranch(body: unknown): Reply {
    const { name, target } = body as { name: string; target: { hash: string } };
    if (!this.model.findCommit(target.hash)) return notFound(`commit ${target.hash} not found`);
    this.model.branches.set(name, target.hash);
    return [201, this.model.branchJson(name), JSON_TYPE];
  }

  /** Reads the POST /src form as Bitbucket does: url-encoded or multipart, paths absolute. */
  private async readSrcForm(body: unknown, contentType: string): Promise<{ meta: Map<string, string>; deletes: string[]; files: Map<string, Buffer> }> {
    const meta = new Map<string, string>();
    const deletes: string[] = [];
    const files = new Map<string, Buffer>();
    const METADATA = new Set(["message", "author", "branch", "parents"]);
    let entries: [string, unknown][];
    if (contentType.startsWith("application/x-www-form-urlencoded")) {
      entries = [...new URLSearchParams(body as string).entries()];
    } else if (contentType.startsWith("multipart/form-data")) {
      entries = [...(await new Response(body as string, { headers: { "content-type": contentType } }).formData()).entries()];
    } else {
      throw new Error(`POST /src: unexpected content type ${contentType}`);
    }
    for (const [name, value] of entries) {
      // Multipart: a part with a filename is a file whatever its name; url-encoded: a metadata name is metadata.
      // A file part's bytes are stored as sent; a url-encoded value is text (UTF-8).
      if (typeof value !== "string") files.set(name.replace(/^\//, ""), Buffer.from(await (value as Blob).arrayBuffer()));
      else if (name === "files") deletes.push(value.replace(/^\//, ""));
      else if (METADATA.has(name)) meta.set(name, value);
      else files.set(name.replace(/^\//, ""), toBytes(value));
    }
    return { meta, deletes, files };
  }

  private async postSrc(body: unknown, headers: Record<string, string | string[] | undefined>): Promise<Reply> {
    const form = await this.readSrcForm(body, String(headers["content-type"] ?? ""));
    const branch = form.meta.get("branch") ?? "main";
    const given = form.meta.get("parents");
    const head = this.model.branches.get(branch);
    if (head !== undefined && given !== undefined && head !== given) return [409, fixture("error-conflict"), JSON_TYPE];
    // No parents: on the branch's head, else the main branch's; in an empty repository, a root.
    const parent = given ?? head ?? this.model.branches.get("main");
    const files = { ...(parent === undefined ? {} : (this.model.commits.get(parent)?.files ?? {})) };
    for (const path of form.deletes) delete files[path];
    for (const [path, content] of form.files) files[path] = content;
    const sha = this.model.addCommit(parent === undefined ? [] : [parent], files, form.meta.get("message") ?? "", form.meta.get("author") ?? "");
    this.model.branches.set(branch, sha);
    return [201, "", { location: `${API_URL}/commit/${sha}` }];
  }

  /** The pull requests `state` and the `q` filter on their branches select. */
  private openPulls(query: URLSearchParams): ModelPull[] {
    const q = query.get("q") ?? "";
    const source = q.match(/source\.branch\.name = "([^"]*)"/)?.[1];
    const destination = q.match(/destination\.branch\.name = "([^"]*)"/)?.[1];
    const state = query.get("state");
    return [...this.model.pulls.values()].filter(
      (p) => (!state || p.state === state) && (source === undefined || p.source === source) && (destination === undefined || p.destination === destination),
    );
  }

  private listPulls(query: URLSearchParams): Reply {
    const found = this.openPulls(query).map((p) => this.model.pullJson(p));
    return [200, paged("pullrequests", found, `${API_URL}/pullrequests`, query), JSON_TYPE];
  }

  private postPull(body: unknown): Reply {
    const b = body as { title: string; description: string; source: { branch: { name: string } }; destination: { branch: { name: string } } };
    const pr: ModelPull = { id: this.model.nextPullId(), title: b.title, description: b.description ?? "", source: b.source.branch.name, destination: b.destination.branch.name, state: "OPEN" };
    if (!this.model.branches.has(pr.source)) return notFound(`branch ${pr.source} not found`);
    this.model.pulls.set(pr.id, pr);
    return [201, this.model.pullJson(pr), JSON_TYPE];
  }

  private getPull(id: number): Reply {
    const pr = this.model.pulls.get(id);
    return pr ? [200, this.model.pullJson(pr), JSON_TYPE] : notFound(`pull request ${id} not found`);
  }

  private postStatus(sha: string, body: unknown): Reply {
    const b = body as { key: string; state: string; name: string; description: string; url: string; refname?: string };
    if (!b.url) return [400, { type: "error", error: { message: "url: This field is required." } }, JSON_TYPE];
    const status = { key: b.key, state: b.state, name: b.name, description: b.description, url: b.url, ...(b.refname === undefined ? {} : { refname: b.refname }) };
    if (!this.model.statuses.has(sha)) this.model.statuses.set(sha, new Map());
    this.model.statuses.get(sha)?.set(b.key, status);
    return [201, this.model.statusJson(sha, status), JSON_TYPE];
  }

  private putReport(sha: string, key: string, body: unknown): Reply {
    if (!this.model.reports.has(sha)) this.model.reports.set(sha, new Map());
    const reports = this.model.reports.get(sha) as Map<string, { body: Record<string, unknown>; annotations: Map<string, Record<string, unknown>> }>;
    const existing = reports.get(key);
    reports.set(key, { body: body as Record<string, unknown>, annotations: existing?.annotations ?? new Map() });
    const reply = { ...fixture("report"), ...(body as object), external_id: key };
    return [200, reply, JSON_TYPE];
  }

  private postAnnotations(sha: string, key: string, body: unknown): Reply {
    const report = this.model.reports.get(sha)?.get(key);
    if (!report) return notFound(`report ${key} not found`);
    const list = body as Record<string, unknown>[];
    if (!Array.isArray(list) || list.length > 100) return [400, { type: "error", error: { message: "at most 100 annotations per request" } }, JSON_TYPE];
    for (const a of list) report.annotations.set(String(a.external_id), a);
    if (report.annotations.size > 1000) return [400, { type: "error", error: { message: "a report holds at most 1000 annotations" } }, JSON_TYPE];
    return [200, list.map((a) => ({ ...fixture("annotation"), ...a })), JSON_TYPE];
  }

  private listComments(prId: number, query: URLSearchParams): Reply {
    const list = (this.model.comments.get(prId) ?? []).map((c) => this.model.commentJson(prId, c));
    return [200, paged("comments", list, `${API_URL}/pullrequests/${prId}/comments`, query), JSON_TYPE];
  }

  private postComment(prId: number, body: unknown): Reply {
    const raw = (body as { content: { raw: string } }).content.raw;
    const comment = { id: this.model.nextCommentId(), raw, deleted: false };
    if (!this.model.comments.has(prId)) this.model.comments.set(prId, []);
    this.model.comments.get(prId)?.push(comment);
    return [201, this.model.commentJson(prId, comment), JSON_TYPE];
  }

  private putComment(prId: number, id: number, body: unknown): Reply {
    const comment = this.model.comments.get(prId)?.find((c) => c.id === id);
    if (!comment) return notFound(`comment ${id} not found`);
    comment.raw = (body as { content: { raw: string } }).content.raw;
    return [200, this.model.commentJson(prId, comment), JSON_TYPE];
  }
}

export async function createBitbucketHarness(): Promise<BitbucketHarness> {
  return new BitbucketHarness();
}
