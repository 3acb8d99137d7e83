import { createHmac, randomUUID } from "node:crypto";
import { createGzip } from "node:zlib";
import nock from "nock";
import { ProbotOctokit } from "probot";
import tar from "tar-stream";
import type { WebhookRequest } from "../../src/core/index.js";
import { GitHubProvider } from "../../src/providers/github/index.js";
import errors from "../../fixtures/github/api/errors.json" with { type: "json" };
import pushFixture from "../../fixtures/github/webhooks/push.json" with { type: "json" };
import type { FileBytes } from "./file-bytes.js";
import { GitHubForge, type TreeEntryInput } from "./github-forge.js";
import { GitHubReplies } from "./github-replies.js";
import type { ContractHarness, ContractStep } from "./harness.js";

const API = "https://api.github.com";
const WEB = "https://github.com";
const CODELOAD = "https://codeload.github.com";
const OWNER = "acme";
const NAME = "config";
const REPO = `/repos/${OWNER}/${NAME}`;
const SECRET = "contract-webhook-secret";
const TOKEN = "ghs_contractTestTokenNotReal";

type Reply = [number, unknown, Record<string, string>?];
interface Spec {
  method: "GET" | "POST" | "PATCH" | "PUT";
  host?: string;
  path: string | RegExp;
  query?: Record<string, string> | ((query: Record<string, unknown>) => boolean);
  accept?: RegExp;
  reply: (uri: string, body: unknown) => Reply | Promise<Reply>;
}

/** Octokit's path-segment encoding (RFC 6570 simple expansion). */
function enc(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function json(body: unknown): Record<string, unknown> {
  const value = typeof body === "string" ? (JSON.parse(body) as unknown) : body;
  return (value ?? {}) as Record<string, unknown>;
}

const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

/** Throttling spaces writes 1 s apart against GitHub's secondary limits; the model has none. */
const noSpacing = { key: () => ({ schedule: (_options: unknown, job: () => Promise<unknown>) => job() }) };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

export function createTestOctokit(baseUrl = API): InstanceType<typeof ProbotOctokit> {
  return new ProbotOctokit({
    auth: { token: TOKEN },
    baseUrl,
    log: silent,
    retry: { retryAfterBaseValue: 1 },
    throttle: {
      retryAfterBaseValue: 1,
      write: noSpacing,
      notifications: noSpacing,
      onRateLimit: (_after: number, _o: unknown, _k: unknown, count: number) => count < 2,
      onSecondaryRateLimit: (_after: number, _o: unknown, _k: unknown, count: number) => count < 2,
    } as never,
  });
}

export class GitHubHarness implements ContractHarness {
  readonly repo = { repository: `${OWNER}/${NAME}` };
  readonly provider: GitHubProvider;
  readonly forge = new GitHubForge();
  readonly replies = new GitHubReplies(API, WEB, OWNER, NAME, this.forge);
  private requests = 0;
  private transient: { status: 502 | 429; retryAfterSeconds?: number } | null = null;
  private failure: 401 | 503 | null = null;

  constructor() {
    const octokit = createTestOctokit();
    this.provider = new GitHubProvider({ webhookSecret: SECRET, octokitFor: async () => octokit });
  }

  async seed(files: Record<string, FileBytes>): Promise<string> {
    const tree = this.forge.putTree(new Map(Object.entries(files).map(([p, c]) => [p, this.forge.putBlob(c)])));
    const actor = { name: "seed", email: "seed@example.com" };
    const commit = this.forge.putCommit({ tree, parents: [], message: "seed", author: actor, committer: actor });
    this.forge.branches.set("main", commit.sha);
    this.requests = 0;
    return commit.sha;
  }

  async emptyRepository(): Promise<void> {
    this.forge.branches.clear();
  }

  async deleteBranch(branch: string): Promise<void> {
    this.forge.branches.delete(branch);
  }

  async addComments(pullRequest: number, bodies: string[]): Promise<void> {
    for (const body of bodies) this.forge.comments.push({ id: this.forge.id(), issue: pullRequest, body });
  }

  async addPullRequests(heads: string[]): Promise<void> {
    for (const head of heads) this.forge.pulls.push({ number: this.forge.pulls.length + 1, title: head, body: "", head, base: "main", state: "open", merged: false });
  }

  async addBranches(names: string[], sha: string): Promise<void> {
    for (const name of names) this.forge.branches.set(name, sha);
  }

  async addCheckRuns(sha: string, name: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) this.forge.checkRuns.push({ id: this.forge.id(), sha, name, status: "completed", conclusion: "success", title: null, summary: null, annotations: [] });
  }

  async snapshot(sha: string): Promise<Record<string, string>> {
    return this.forge.snapshot(sha);
  }

  async head(branch: string): Promise<string | null> {
    return this.forge.branches.get(branch) ?? null;
  }

  requestCount(): number {
    return this.requests;
  }

  async commitInfo(sha: string) {
    const commit = this.forge.commits.get(sha);
    if (!commit) throw new Error(`no commit ${sha}`);
    return { author: commit.author, committer: commit.committer, message: commit.message, parents: commit.parents };
  }

  async checks(sha: string) {
    return this.forge.checkRuns
      .filter((r) => r.sha === sha)
      .map((r) => ({ name: r.name, status: r.status, conclusion: r.conclusion, annotations: r.annotations.length }));
  }

  async comments(pullRequest: number) {
    return this.forge.comments.filter((c) => c.issue === pullRequest && c.body.includes("<!-- gitsync -->")).map((c) => c.body);
  }

  pushWebhook(input: { branch: string; before: string; after: string; validSignature: boolean }) {
    const changes = this.forge.diff(input.before, input.after);
    const pick = (status: string) => changes.filter((c) => c.status === status).map((c) => c.path);
    const headCommit = {
      ...pushFixture.head_commit,
      id: input.after,
      tree_id: this.forge.commits.get(input.after)?.tree ?? input.after,
      url: `${WEB}/${OWNER}/${NAME}/commit/${input.after}`,
      added: pick("added"),
      removed: pick("removed"),
      modified: pick("modified"),
    };
    const payload = {
      ...pushFixture,
      ref: `refs/heads/${input.branch}`,
      before: input.before,
      after: input.after,
      created: false,
      forced: false,
      compare: `${WEB}/${OWNER}/${NAME}/compare/${input.before.slice(0, 12)}...${input.after.slice(0, 12)}`,
      commits: [headCommit],
      head_commit: headCommit,
      repository: { ...pushFixture.repository, name: NAME, full_name: `${OWNER}/${NAME}` },
    };
    return signedRequest(Buffer.from(JSON.stringify(payload)), input.validSignature ? SECRET : "not-the-secret");
  }

  async cleanup(): Promise<void> {}

  expect(step: ContractStep): void {
    if (step.op === "failure") {
      this.failure = step.status;
      return;
    }
    if (step.op !== "transientFailure" && this.failure !== null) return this.registerFailure(this.specsFor(step)[0]);
    if (step.op === "transientFailure") {
      this.transient = { status: step.status, ...(step.retryAfterSeconds !== undefined ? { retryAfterSeconds: step.retryAfterSeconds } : {}) };
      return;
    }
    const specs = this.specsFor(step);
    const first = specs[0];
    if (this.transient && first) {
      const failure = this.transient;
      this.transient = null;
      this.register({
        ...first,
        reply: () =>
          failure.status === 429
            ? [429, errors.secondaryRateLimit, { ...JSON_TYPE, "retry-after": String(failure.retryAfterSeconds ?? 1) }]
            : [502, errors.serverError, JSON_TYPE],
      });
    }
    for (const spec of specs) this.register(spec);
  }

  /** Octokit's retry plugin makes three more attempts after a 5xx, none after a 4xx. */
  private registerFailure(first: Spec | undefined): void {
    const status = this.failure as 401 | 503;
    this.failure = null;
    if (!first) throw new Error("harness: a failure step must precede a step that makes a request");
    const body = status === 401 ? errors.badCredentials : errors.serverError;
    for (let i = 0; i < (status >= 500 ? 4 : 1); i++) this.register({ ...first, reply: () => [status, body, JSON_TYPE] });
  }

  private register(spec: Spec): void {
    const scope = nock(spec.host ?? API, spec.accept ? { reqheaders: { accept: spec.accept } } : {});
    let interceptor = scope.intercept(spec.path, spec.method);
    if (spec.query) interceptor = interceptor.query(spec.query);
    interceptor.reply(async (uri, body) => {
      this.requests++;
      return (await spec.reply(uri, body)) as [number, nock.Body, Record<string, string>];
    });
  }

  private specsFor(step: Exclude<ContractStep, { op: "transientFailure" | "failure" }>): Spec[] {
    const f = this.forge;
    const r = this.replies;
    switch (step.op) {
      case "resolveRef":
        return [
          {
            method: "GET",
            path: `${REPO}/commits/${enc(step.ref)}`,
            accept: /application\/vnd\.github\.v3\.sha/,
            reply: () => {
              const sha = f.resolve(step.ref);
              return sha
                ? [200, sha, { "content-type": "application/vnd.github.sha; charset=utf-8" }]
                : [422, { ...errors.noCommitForRef, message: `No commit found for SHA: ${step.ref}` }, JSON_TYPE];
            },
          },
        ];
      case "readFiles":
        return this.tarballSpecs(step.sha);
      case "changedFiles": {
        const compare = this.compareSpec(step.base, step.head);
        const mergeBase = f.mergeBase(step.base, step.head) ?? step.base;
        if (f.diff(mergeBase, step.head).length < 300) return [compare];
        return [compare, this.treeSpec(mergeBase), this.treeSpec(step.head)];
      }
      case "isAncestor":
        return [this.compareSpec(step.ancestor, step.descendant)];
      case "createBranch":
        return [this.createRefSpec()];
      case "commit":
        return this.commitSpecs(step);
      case "openPullRequest": {
        const exists = f.pulls.some((p) => p.state === "open" && p.head === step.head && p.base === step.base);
        if (exists !== step.existing) throw new Error(`harness: pull request for ${step.head} exists=${exists}, step says ${step.existing}`);
        // GitHub filters by head and base; the matches come in pages all the same.
        const matches = () => f.pulls.filter((p) => p.state === "open" && p.head === step.head && p.base === step.base);
        const list = this.pagedSpecs(`${REPO}/pulls`, { state: "open", head: `${OWNER}:${step.head}`, base: step.base }, matches, (page) => page.map((p) => r.pullRequestSimple(p)));
        if (step.existing) return list;
        return [
          ...list,
          {
            method: "POST",
            path: `${REPO}/pulls`,
            reply: (_uri, body) => {
              const b = json(body);
              if (!f.branches.has(String(b.head))) return [422, { message: "Validation Failed", errors: [{ resource: "PullRequest", field: "head", code: "invalid" }] }, JSON_TYPE];
              const pr = { number: f.pulls.length + 1, title: String(b.title), body: String(b.body ?? ""), head: String(b.head), base: String(b.base), state: "open" as const, merged: false };
              f.pulls.push(pr);
              return [201, r.pullRequest(pr), JSON_TYPE];
            },
          },
        ];
      }
      case "getPullRequest":
        return [
          {
            method: "GET",
            path: `${REPO}/pulls/${step.number}`,
            reply: () => {
              const pr = f.pulls.find((p) => p.number === step.number);
              return pr ? [200, r.pullRequest(pr), JSON_TYPE] : [404, errors.notFound, JSON_TYPE];
            },
          },
        ];
      case "publishCheck":
        return this.checkSpecs(step);
      case "upsertComment": {
        const pages = this.pagedSpecs(`${REPO}/issues/${step.pullRequest}/comments`, {}, () => f.comments.filter((c) => c.issue === step.pullRequest), (page) => page.map((c) => r.comment(c)));
        const write: Spec = step.existing
          ? {
              method: "PATCH",
              path: new RegExp(`^${REPO}/issues/comments/(\\d+)$`),
              reply: (uri, body) => {
                const id = Number(/(\d+)$/.exec(uri)?.[1]);
                const comment = f.comments.find((c) => c.id === id);
                if (!comment) return [404, errors.notFound, JSON_TYPE];
                comment.body = String(json(body).body);
                return [200, r.comment(comment), JSON_TYPE];
              },
            }
          : {
              method: "POST",
              path: `${REPO}/issues/${step.pullRequest}/comments`,
              reply: (_uri, body) => {
                const comment = { id: f.id(), issue: step.pullRequest, body: String(json(body).body) };
                f.comments.push(comment);
                return [201, r.comment(comment), JSON_TYPE];
              },
            };
        return [...pages, write];
      }
    }
  }

  /**
   * A list as GitHub pages it: `per_page` a page (30 unless asked, at most 100), from `page`
   * (1 unless asked), the next page named in a Link header with rel="next". One spec per page
   * the list holds now: an adapter that stops at the first page leaves the others unused.
   */
  private pagedSpecs<T>(path: string, query: Record<string, string>, items: () => T[], body: (page: T[]) => unknown): Spec[] {
    const perPage = 100;
    const count = Math.max(1, Math.ceil(items().length / perPage));
    return Array.from({ length: count }, (_, i): Spec => ({
      method: "GET",
      path,
      query: { ...query, per_page: String(perPage), ...(i === 0 ? {} : { page: String(i + 1) }) },
      reply: (uri) => {
        const url = new URL(uri, API);
        const size = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
        const page = Number(url.searchParams.get("page") ?? 1);
        const all = items();
        url.searchParams.set("page", String(page + 1));
        const next: Record<string, string> = all.length > page * size ? { link: `<${url.href}>; rel="next"` } : {};
        return [200, body(all.slice((page - 1) * size, page * size)), { ...JSON_TYPE, ...next }];
      },
    }));
  }

  private tarballSpecs(sha: string): Spec[] {
    const location = `${CODELOAD}/${OWNER}/${NAME}/legacy.tar.gz/${sha}`;
    return [
      {
        method: "GET",
        path: `${REPO}/tarball/${sha}`,
        reply: () => (this.forge.commits.has(sha) ? [302, "", { location }] : [404, errors.notFound, JSON_TYPE]),
      },
      {
        method: "GET",
        host: CODELOAD,
        path: `/${OWNER}/${NAME}/legacy.tar.gz/${sha}`,
        reply: async () => [
          200,
          await this.tarball(sha),
          { "content-type": "application/x-gzip", "content-disposition": `attachment; filename=${OWNER}-${NAME}-${sha.slice(0, 7)}.tar.gz` },
        ],
      },
    ];
  }

  /** The archive GitHub serves: one `<owner>-<repo>-<short sha>/` folder with directory entries. */
  private async tarball(sha: string): Promise<Buffer> {
    const pack = tar.pack();
    const root = `${OWNER}-${NAME}-${sha.slice(0, 7)}/`;
    const files = this.forge.contents(sha);
    const folders = new Set<string>([root]);
    for (const path of files.keys()) {
      const parts = path.split("/");
      for (let i = 1; i < parts.length; i++) folders.add(`${root}${parts.slice(0, i).join("/")}/`);
    }
    for (const folder of [...folders].sort()) pack.entry({ name: folder, type: "directory", mode: 0o755 });
    for (const [path, content] of files) pack.entry({ name: `${root}${path}`, mode: 0o644 }, content);
    pack.finalize();
    const chunks: Buffer[] = [];
    const gzip = pack.pipe(createGzip());
    for await (const chunk of gzip) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private compareSpec(base: string, head: string): Spec {
    return {
      method: "GET",
      path: `${REPO}/compare/${enc(`${base}...${head}`)}`,
      query: { per_page: "1" },
      reply: () =>
        this.forge.commits.has(base) && this.forge.commits.has(head)
          ? [200, this.replies.comparison(base, head, 300), JSON_TYPE]
          : [404, errors.notFound, JSON_TYPE],
    };
  }

  private treeSpec(commit: string): Spec {
    return {
      method: "GET",
      path: `${REPO}/git/trees/${commit}`,
      query: { recursive: "1" },
      reply: () => {
        const tree = this.forge.commits.get(commit)?.tree;
        return tree ? [200, this.replies.gitTree(tree, true), JSON_TYPE] : [404, errors.notFound, JSON_TYPE];
      },
    };
  }

  private createRefSpec(): Spec {
    return {
      method: "POST",
      path: `${REPO}/git/refs`,
      reply: (_uri, body) => {
        const b = json(body);
        const branch = String(b.ref).replace(/^refs\/heads\//, "");
        const sha = String(b.sha);
        if (this.forge.branches.has(branch)) return [422, errors.referenceExists, JSON_TYPE];
        if (!this.forge.commits.has(sha)) return [422, { message: "Object does not exist" }, JSON_TYPE];
        this.forge.branches.set(branch, sha);
        return [201, this.replies.gitRef(branch, sha), JSON_TYPE];
      },
    };
  }

  private commitSpecs(step: Extract<ContractStep, { op: "commit" }>): Spec[] {
    const f = this.forge;
    const r = this.replies;
    const exists = f.branches.has(step.branch);
    const getRef: Spec = {
      method: "GET",
      path: `${REPO}/git/ref/${enc(`heads/${step.branch}`)}`,
      reply: () => {
        const sha = f.branches.get(step.branch);
        return sha ? [200, r.gitRef(step.branch, sha), JSON_TYPE] : [404, errors.notFound, JSON_TYPE];
      },
    };
    if (step.outcome === "moved") return [getRef];
    const getCommit: Spec = {
      method: "GET",
      path: new RegExp(`^${REPO}/git/commits/([0-9a-f]{40})$`),
      reply: (uri) => {
        const commit = f.commits.get(/([0-9a-f]{40})$/.exec(uri)?.[1] ?? "");
        return commit ? [200, r.gitCommit(commit), JSON_TYPE] : [404, errors.notFound, JSON_TYPE];
      },
    };
    const postTree: Spec = {
      method: "POST",
      path: `${REPO}/git/trees`,
      reply: (_uri, body) => {
        const b = json(body);
        const result = f.buildTree(b.base_tree as string | undefined, b.tree as TreeEntryInput[]);
        if (typeof result !== "string") return [422, { message: `GitRPC::BadObjectState: ${result.error}` }, JSON_TYPE];
        return [201, r.gitTree(result, false), JSON_TYPE];
      },
    };
    if (step.outcome === "empty") {
      // No difference on a branch asked for: the branch is created at the expected head.
      const create = step.createBranch === true && !exists ? [this.createRefSpec()] : [];
      return step.files === 0 ? [getRef, ...create] : [getRef, getCommit, postTree, ...create];
    }
    const postCommit: Spec = {
      method: "POST",
      path: `${REPO}/git/commits`,
      reply: (_uri, body) => {
        const b = json(body);
        const tree = String(b.tree);
        const parents = (b.parents as string[]) ?? [];
        if (!f.trees.has(tree) || parents.some((p) => !f.commits.has(p))) return [422, { message: "Tree or parent SHA does not exist" }, JSON_TYPE];
        const actor = (v: unknown) => {
          const a = json(v);
          return { name: String(a.name), email: String(a.email) };
        };
        const commit = f.putCommit({ tree, parents, message: String(b.message), author: actor(b.author), committer: actor(b.committer ?? b.author) });
        return [201, r.gitCommit(commit), JSON_TYPE];
      },
    };
    const moveRef: Spec = {
      method: "PATCH",
      path: `${REPO}/git/refs/${enc(`heads/${step.branch}`)}`,
      reply: (_uri, body) => {
        const b = json(body);
        const current = f.branches.get(step.branch);
        const sha = String(b.sha);
        if (!current) return [422, { message: "Reference does not exist" }, JSON_TYPE];
        if (b.force !== true && !f.isAncestor(current, sha)) return [422, errors.notFastForward, JSON_TYPE];
        f.branches.set(step.branch, sha);
        return [200, r.gitRef(step.branch, sha), JSON_TYPE];
      },
    };
    // A root commit has no parent to read: a tree of its files alone, a commit without parents.
    // An empty repository refuses the Git Data API (409): the Contents API writes the first
    // file, and a root commit of all of them replaces that commit.
    if (step.root === true && !exists && f.branches.size > 0) return [getRef, postTree, postCommit, this.createRefSpec()];
    if (step.root === true && !exists) {
      const refused: Spec = { method: "POST", path: `${REPO}/git/trees`, reply: () => [409, { message: "Git Repository is empty.", documentation_url: "https://docs.github.com/rest/git/trees#create-a-tree" }, JSON_TYPE] };
      const first = this.contentsSpec();
      return step.files === 1 ? [getRef, refused, first] : [getRef, refused, first, postTree, postCommit, moveRef];
    }
    const creating = step.createBranch === true && !exists;
    return [getRef, getCommit, postTree, postCommit, creating ? this.createRefSpec() : moveRef];
  }

  /** PUT /repos/{owner}/{repo}/contents/{path}: one file, one commit, the branch created when absent. */
  private contentsSpec(): Spec {
    const f = this.forge;
    return {
      method: "PUT",
      path: new RegExp(`^${REPO}/contents/(.+)$`),
      reply: (uri, body) => {
        const b = json(body);
        const path = decodeURIComponent(new RegExp(`^${REPO}/contents/(.+)$`).exec(uri)?.[1] ?? "");
        const branch = String(b.branch);
        const parent = f.branches.get(branch);
        const base = parent === undefined ? undefined : f.commits.get(parent)?.tree;
        // The Contents API takes the file's bytes base64-encoded: stored as they are.
        const blob = f.putBlob(Buffer.from(String(b.content), "base64"));
        const tree = f.buildTree(base, [{ path, sha: blob }]);
        if (typeof tree !== "string") return [422, { message: tree.error }, JSON_TYPE];
        const actor = (v: unknown) => ({ name: String(json(v).name), email: String(json(v).email) });
        const commit = f.putCommit({ tree, parents: parent ? [parent] : [], message: String(b.message), author: actor(b.author), committer: actor(b.committer ?? b.author) });
        f.branches.set(branch, commit.sha);
        return [201, { content: { name: path.split("/").pop(), path, type: "file" }, commit: this.replies.gitCommit(commit) }, JSON_TYPE];
      },
    };
  }

  private checkSpecs(step: Extract<ContractStep, { op: "publishCheck" }>): Spec[] {
    const f = this.forge;
    const r = this.replies;
    const running = f.checkRuns.some((c) => c.sha === step.sha && c.status !== "completed");
    // The newest first, in pages; the contract's checks are all called gitsync.
    const runs = () => f.checkRuns.filter((c) => c.sha === step.sha && c.name === "gitsync").reverse();
    const list = this.pagedSpecs(`${REPO}/commits/${step.sha}/check-runs`, { check_name: "gitsync", filter: "latest" }, runs, (page) => r.checkRunList(page));
    const acceptOutput = (run: { title: string | null; summary: string | null; annotations: unknown[] }, output: unknown): Reply | null => {
      if (output === undefined) return null;
      const o = json(output);
      const annotations = (o.annotations as unknown[] | undefined) ?? [];
      if (annotations.length > 50) return [422, { message: "Only 50 annotations are allowed per request" }, JSON_TYPE];
      if (typeof o.summary === "string" && o.summary.length > 65_535) return [422, { message: "output.summary is too long (maximum is 65535 characters)" }, JSON_TYPE];
      run.title = typeof o.title === "string" ? o.title : run.title;
      run.summary = typeof o.summary === "string" ? o.summary : run.summary;
      run.annotations.push(...annotations);
      return null;
    };
    const patch: Spec = {
      method: "PATCH",
      path: new RegExp(`^${REPO}/check-runs/(\\d+)$`),
      reply: (uri, body) => {
        const run = f.checkRuns.find((c) => c.id === Number(/(\d+)$/.exec(uri)?.[1]));
        if (!run) return [404, errors.notFound, JSON_TYPE];
        const b = json(body);
        const rejected = acceptOutput(run, b.output);
        if (rejected) return rejected;
        if (typeof b.status === "string") run.status = b.status;
        if (typeof b.conclusion === "string") {
          run.conclusion = b.conclusion;
          run.status = "completed";
        }
        return [200, r.checkRun(run), JSON_TYPE];
      },
    };
    const post: Spec = {
      method: "POST",
      path: `${REPO}/check-runs`,
      reply: (_uri, body) => {
        const b = json(body);
        const run = { id: f.id(), sha: String(b.head_sha), name: String(b.name), status: String(b.status ?? "queued"), conclusion: null, title: null, summary: null, annotations: [] };
        const rejected = acceptOutput(run, b.output);
        if (rejected) return rejected;
        f.checkRuns.push(run);
        return [201, r.checkRun(run), JSON_TYPE];
      },
    };
    const batches = Math.max(1, Math.ceil(step.annotations / 50));
    if (running) return [...list, ...Array.from({ length: batches }, () => patch)];
    const patches = batches - 1 + (step.status === "completed" && batches === 1 ? 1 : 0);
    return [...list, post, ...Array.from({ length: patches }, () => patch)];
  }
}

/** Signs a webhook body the way GitHub does (HMAC-SHA256 of the raw bytes), with any secret. */
export function signedRequest(rawBody: Buffer, secret: string, event = "push"): WebhookRequest {
  return {
    rawBody,
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`,
    },
  };
}
