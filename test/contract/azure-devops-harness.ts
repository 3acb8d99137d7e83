import { randomUUID } from "node:crypto";
import nock from "nock";
import { COMMENT_MARKER, type WebhookRequest } from "../../src/core/index.js";
import { AzureDevOpsProvider, DIFF_PAGE, REFS_PAGE } from "../../src/providers/azure-devops/index.js";
import { checkAzureRequest } from "../helpers/azure-devops-routes.js";
import { AzureForge } from "./azure-devops-forge.js";
import { byteMap, textMap, type FileBytes } from "./file-bytes.js";
import { API, FIXTURES, HOST, JSON_HEADERS, REPOSITORY, TOKEN, WEBHOOK, AzureReplies, basicAuth, error, type Json, type Reply } from "./azure-devops-replies.js";
import type { CheckInfo, CommitInfo, ContractHarness, ContractStep } from "./harness.js";

/**
 * Azure DevOps Services behind strict nock: each `expect(step)` registers the one-shot
 * interceptors the step's operation makes, answering from the in-memory forge with bodies
 * built on fixtures/azure-devops. Every request is also checked against the REST reference's
 * description (test/helpers/azure-devops-routes.ts); one it does not allow is answered 400 and
 * fails the test at cleanup.
 */

export class AzureDevOpsHarness implements ContractHarness {
  readonly provider: AzureDevOpsProvider;
  readonly repo = { repository: REPOSITORY };
  readonly http = true;
  readonly forge = new AzureForge();
  /** The REST answers; cleanup fails the test when it saw a request the reference does not allow. */
  readonly replies: AzureReplies;
  #failure: { status: 502 | 429; retryAfterSeconds?: number } | null = null;
  /** Retry waits, recorded instead of slept: a Retry-After of seconds costs no time. */
  readonly retryWaits: number[] = [];
  /** A pending `failure` step, and whether the step it hit registers nothing more. */
  #refusal: 401 | 503 | null = null;
  #muted = false;

  /** The repository's API root path (below the host), as the provider calls it. */
  readonly apiPath: string;

  /** `baseUrl`: an Azure DevOps Server collection URL (a loopback stand-in); Services otherwise. */
  constructor(baseUrl: string | null = null) {
    this.apiPath = baseUrl === null ? API : `${new URL(baseUrl).pathname.replace(/\/+$/, "")}/Data%20Platform/_apis/git/repositories/config/`;
    this.provider = new AzureDevOpsProvider({ token: TOKEN, webhook: WEBHOOK, baseUrl, retry: { minDelayMs: 5, sleep: async (ms) => void this.retryWaits.push(ms) } });
    this.replies = new AzureReplies(this.forge, this.apiPath);
  }

  get violations(): string[] {
    return this.replies.violations;
  }

  get served(): string[] {
    return this.replies.served;
  }

  /** Whether "Test connection" finds Contribute allowed. */
  set mayPush(allowed: boolean) {
    this.replies.mayPush = allowed;
  }

  dispatch(method: string, url: URL, rawBody: string, authorization: string | undefined): Promise<Reply> {
    return this.replies.dispatch(method, url, rawBody, authorization);
  }

  repositoryJson(): Json {
    return this.replies.repositoryJson();
  }

  pullRequestJson(id: number): Json {
    return this.replies.pullRequestJson(id);
  }

  async seed(files: Record<string, FileBytes>): Promise<string> {
    const parent = this.forge.branches.get("main");
    const sha = this.forge.addCommit(parent === undefined ? [] : [parent], byteMap(files), "seed", { name: "Seeder", email: "seed@example.com" });
    this.forge.branches.set("main", sha);
    this.served.length = 0;
    return sha;
  }

  requestCount(): number {
    return this.served.length;
  }

  async emptyRepository(): Promise<void> {
    this.forge.branches.clear();
  }

  /** Reviewers' remarks, one thread each (Azure lists a pull request's threads in one answer). */
  async addComments(pullRequest: number, bodies: string[]): Promise<void> {
    const threads = this.forge.threads.get(pullRequest) ?? [];
    for (const content of bodies) threads.push({ id: this.forge.nextId(), status: "active", filePath: null, line: null, comments: [{ id: 1, content }] });
    this.forge.threads.set(pullRequest, threads);
  }

  async snapshot(sha: string): Promise<Record<string, string>> {
    return textMap(this.forge.commit(sha).files);
  }

  async deleteBranch(branch: string): Promise<void> {
    this.forge.branches.delete(branch);
  }

  async head(branch: string): Promise<string | null> {
    return this.forge.branches.get(branch) ?? null;
  }

  async commitInfo(sha: string): Promise<CommitInfo> {
    const commit = this.forge.commit(sha);
    return { author: commit.author, committer: commit.committer, message: commit.comment, parents: commit.parents };
  }

  async checks(sha: string): Promise<CheckInfo[]> {
    const latest = new Map<string, CheckInfo>();
    for (const s of this.forge.statuses.filter((st) => st.on === sha && st.genre === "gitsync")) {
      const completed = s.state !== "pending";
      const annotations = Number(/\((\d+) error/.exec(s.description)?.[1] ?? 0) + Number(/(\d+) warning/.exec(s.description)?.[1] ?? 0);
      latest.set(s.name, { name: s.name, status: completed ? "completed" : "in_progress", conclusion: completed ? (s.state === "failed" ? "failure" : "success") : null, annotations });
    }
    return [...latest.values()];
  }

  async comments(pullRequest: number): Promise<string[]> {
    return (this.forge.threads.get(pullRequest) ?? []).flatMap((t) => t.comments.slice(0, 1)).map((c) => c.content).filter((c) => c.includes(COMMENT_MARKER));
  }

  async cleanup(): Promise<void> {
    if (this.violations.length > 0) throw new Error(`requests the Azure DevOps REST reference does not allow:\n  ${this.violations.join("\n  ")}`);
  }

  pushWebhook(input: { branch: string; before: string; after: string; validSignature: boolean }): WebhookRequest {
    const resource = FIXTURES.webhookPush["resource"] as Json;
    const payload = {
      ...FIXTURES.webhookPush,
      id: randomUUID(),
      resource: {
        ...resource,
        refUpdates: [{ name: `refs/heads/${input.branch}`, oldObjectId: input.before, newObjectId: input.after }],
        repository: this.repositoryJson(),
      },
    };
    return {
      headers: {
        "content-type": "application/json; charset=utf-8",
        authorization: input.validSignature ? basicAuth(WEBHOOK.user, WEBHOOK.password) : basicAuth(WEBHOOK.user, "not-the-password"),
      },
      rawBody: Buffer.from(JSON.stringify(payload)),
    };
  }

  expect(step: ContractStep): void {
    this.#muted = false;
    switch (step.op) {
      case "failure":
        this.#refusal = step.status;
        return;
      case "transientFailure":
        this.#failure = { status: step.status, ...(step.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: step.retryAfterSeconds }) };
        return;
      case "resolveRef":
        this.expectResolve(step.ref);
        return;
      case "readFiles":
        this.expectRead(step.path, step.paths);
        return;
      case "changedFiles":
        this.expectDiff(step.base, step.head);
        return;
      case "isAncestor":
        this.#on("GET", /^commits\/([0-9a-f]{40})\/mergebases$/, (url, _body, match) => this.replies.mergeBases(match[1] as string, url));
        return;
      case "createBranch":
        this.#on("POST", /^refs$/, (_url, body) => this.replies.updateRefs(body as unknown as Json[]));
        return;
      case "commit":
        this.expectCommit(step);
        return;
      case "openPullRequest":
        this.#on("GET", /^pullrequests$/, (url) => this.replies.searchPullRequests(url));
        if (!step.existing) this.#on("POST", /^pullrequests$/, (_url, body) => this.replies.createPullRequest(body));
        return;
      case "getPullRequest":
        this.#on("GET", /^pullrequests\/(\d+)$/, (_url, _body, match) => this.replies.getPullRequest(Number(match[1])));
        return;
      case "publishCheck":
        this.#on("POST", /^commits\/([0-9a-f]{40})\/statuses$/, (_url, body, match) => this.replies.status(match[1] as string, body));
        return;
      case "upsertComment":
        this.expectThreadList();
        if (step.existing) this.expectCommentUpdate();
        else this.expectThreadCreate();
        return;
    }
  }

  expectResolve(ref: string): void {
    if (/^[0-9a-f]{40}$/.test(ref)) {
      this.#on("GET", /^commits\/([0-9a-f]{40})$/, (_url, _body, match) =>
        this.forge.commits.has(match[1] as string) ? [200, this.replies.commitJson(match[1] as string), JSON_HEADERS] : error(404, "commitNotFound"),
      );
      return;
    }
    // Every page of the branches whose names start with `ref`, then (no such branch) the tags.
    for (let i = 0; i < this.replies.refPages(`heads/${ref}`, REFS_PAGE); i++) this.#on("GET", /^refs$/, (url) => this.replies.refs(url));
    if (!this.forge.branches.has(ref)) this.#on("GET", /^refs$/, (url) => this.replies.refs(url));
  }

  /** Branches made on the forge at `sha`, as someone would in its UI. Not counted. */
  async addBranches(names: string[], sha: string): Promise<void> {
    for (const name of names) this.forge.branches.set(name, sha);
  }

  /** Open pull requests of other people's branches into main, made on the forge. Not counted. */
  async addPullRequests(heads: string[]): Promise<void> {
    for (const head of heads) {
      this.forge.pullRequests.push({ id: this.forge.pullRequests.length + 1, title: head, description: "", source: head, target: "main", status: "active" });
    }
  }

  expectRead(path: string, paths?: string[]): void {
    const dir = path.replace(/^\/+|\/+$/g, "");
    if (paths !== undefined && !paths.some((p) => dir === "" || p.startsWith(`${dir}/`))) return;
    this.#on("GET", /^items$/, (url) => this.replies.zip(url));
  }

  expectDiff(base: string, head: string): void {
    const from = this.forge.mergeBase(base, head) ?? base;
    const pages = Math.floor(this.forge.diff(from, head).length / DIFF_PAGE) + 1;
    for (let i = 0; i < pages; i += 1) this.#on("GET", /^diffs\/commits$/, (url) => this.replies.diff(url));
  }

  expectCommit(step: Extract<ContractStep, { op: "commit" }>): void {
    // A folder the caller just read at the expected head is not listed again.
    if (step.root !== true && step.treeRead !== true) this.#on("GET", /^items$/, (url) => this.replies.itemList(url));
    if (step.outcome === "empty") {
      // No difference: a requested branch is still created at the expected head.
      if (step.createBranch === true && step.root !== true) {
        this.#on("POST", /^refs$/, (_url, body) => this.replies.updateRefs(body as unknown as Json[]));
        if (this.forge.branches.has(step.branch)) this.expectResolve(step.branch);
      }
      return;
    }
    this.#on("POST", /^pushes$/, (_url, body) => this.replies.push(body));
  }

  expectThreadList(): void {
    this.#on("GET", /^pullrequests\/(\d+)\/threads$/, (_url, _body, m) => this.replies.listThreads(Number(m[1])));
  }

  expectThreadCreate(): void {
    this.#on("POST", /^pullrequests\/(\d+)\/threads$/, (_url, body, m) => this.replies.createThread(Number(m[1]), body));
  }

  expectThreadUpdate(): void {
    this.#on("PATCH", /^pullrequests\/(\d+)\/threads\/(\d+)$/, (_url, body, m) => this.replies.updateThread(Number(m[1]), Number(m[2]), body));
  }

  expectCommentUpdate(): void {
    this.#on("PATCH", /^pullrequests\/(\d+)\/threads\/(\d+)\/comments\/(\d+)$/, (_url, body, m) => this.replies.updateComment(Number(m[1]), Number(m[2]), Number(m[3]), body));
  }

  expectPullRequestStatus(): void {
    this.#on("POST", /^pullrequests\/(\d+)\/statuses$/, (_url, body, match) => this.replies.status(`pr:${match[1]}`, body));
  }

  /**
   * One one-shot interceptor for `method API+path`, preceded by the pending transient failure.
   * The request is checked against the REST reference's description before it is answered.
   */
  #on(method: "GET" | "POST" | "PATCH", route: RegExp, reply: (url: URL, body: Json, match: RegExpExecArray) => Reply | Promise<Reply>): void {
    // Azure's route segments are case-insensitive (pullRequests, pullrequests).
    const path = new RegExp(route.source, "i");
    const below = (uri: string) => this.replies.below(new URL(uri, HOST).pathname);
    const matches = (uri: string) => {
      const rest = below(uri);
      return rest !== null && path.test(rest);
    };
    const scope = () => nock(HOST, { reqheaders: { authorization: basicAuth("", TOKEN) } }).intercept(matches, method);
    if (this.#muted) return;
    if (this.#refusal !== null) {
      this.#refuse(scope, method, this.#refusal);
      return;
    }
    const failure = this.#failure;
    if (failure !== null) {
      this.#failure = null;
      scope().reply(() => {
        this.served.push(`${method} (transient ${failure.status})`);
        const headers: Record<string, string> = { ...JSON_HEADERS };
        if (failure.retryAfterSeconds !== undefined) headers["Retry-After"] = String(failure.retryAfterSeconds);
        return [failure.status, FIXTURES.errors[failure.status === 429 ? "tooManyRequests" : "badGateway"] as Json, headers];
      });
    }
    scope().reply((uri, body, callback) => {
      const url = new URL(uri, HOST);
      const rest = below(uri) as string;
      this.served.push(`${method} ${rest.replace(/[0-9a-f]{40}/g, "{sha}").replace(/\d+/g, "{n}")}`);
      const json = typeof body === "string" && body !== "" ? (JSON.parse(body) as Json) : ((body as Json | undefined) ?? {});
      const problem = checkAzureRequest(method, rest, url.searchParams, typeof body === "string" && body === "" ? undefined : json);
      if (problem !== null) {
        this.violations.push(problem);
        callback(null, [400, JSON.stringify({ ...FIXTURES.errors["badRequest"], message: problem }), JSON_HEADERS]);
        return;
      }
      Promise.resolve(reply(url, json, path.exec(rest) as RegExpExecArray)).then(
        ([status, payload, headers]) => callback(null, [status, typeof payload === "string" || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload), headers ?? {}]),
        (failed: Error) => callback(failed, [500, ""]),
      );
    });
  }
  /** The step's first request answers `status` on every attempt: once for a 401, each retry for a 503. */
  #refuse(scope: () => nock.Interceptor, method: string, status: 401 | 503): void {
    this.#refusal = null;
    this.#muted = true;
    // A revoked token gets an empty 401; an outage a JSON message.
    const reply: Reply = status === 401 ? [401, "", { "Content-Type": "text/plain" }] : [503, { message: "Service Unavailable" }, JSON_HEADERS];
    for (let i = 0; i < (status === 401 ? 1 : 4); i++) {
      scope().reply(() => {
        this.served.push(`${method} (refused ${status})`);
        const [code, payload, headers] = reply;
        return [code, typeof payload === "string" ? payload : JSON.stringify(payload), headers ?? {}];
      });
    }
  }
}

export async function createAzureDevOpsHarness(): Promise<ContractHarness> {
  return new AzureDevOpsHarness();
}
