import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import nock from "nock";
import { pack } from "tar-stream";
import { COMMENT_MARKER, type WebhookRequest } from "../../src/core/index.js";
import { COMPARE_DIFF_LIMIT, DEFAULT_RAW_FILE_LIMIT, GitLabProvider } from "../../src/providers/gitlab/index.js";
import { byteMap, textMap, type FileBytes } from "./file-bytes.js";
import { CommitRejected, GitLabForge, type ForgeAction } from "./gitlab-forge.js";
import type { ContractHarness, ContractStep } from "./harness.js";

/**
 * GitLab behind strict nock: each `expect(step)` registers the one-shot interceptors that the
 * step's operation makes, answering from the in-memory forge with bodies built on the
 * documented response examples in fixtures/gitlab.
 */

const HOST = "https://gitlab.example.test";
const PROJECT = "acme/config";
const API = `/api/v4/projects/${encodeURIComponent(PROJECT)}/`;
const TOKEN = "glpat-contract-test-token";
const SECRET = "contract-webhook-secret";

type Json = Record<string, unknown>;
type Reply = [number, string | Buffer | Json | Json[], Record<string, string>?];

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../../fixtures/gitlab/${name}.json`, import.meta.url), "utf8")) as Json;
}

const FIXTURES = {
  commit: fixture("commit"),
  created: fixture("commit-created"),
  mergeBase: fixture("merge-base"),
  branch: fixture("branch"),
  compare: fixture("compare"),
  mergeRequest: fixture("merge-request"),
  note: fixture("note"),
  status: fixture("commit-status"),
  errors: fixture("errors") as Record<string, Json>,
  push: fixture("webhook-push"),
};

const JSON_HEADERS = { "Content-Type": "application/json" };

function error(status: number, key: string): Reply {
  return [status, FIXTURES.errors[key] ?? { message: key }, JSON_HEADERS];
}

/** GitLab's page size limit, which gitsync asks for on every list. */
const PER_PAGE = 100;

/** How many pages a list of `count` items takes at gitsync's page size (an empty list is one page). */
function pageCount(count: number): number {
  return Math.max(1, Math.ceil(count / PER_PAGE));
}

/**
 * One page of a list as GitLab answers it: `per_page` items (20 unless asked, at most 100)
 * from `page` (1 unless asked), the next page named in a Link header with rel="next".
 */
function paged(url: URL, all: Json[]): Reply {
  const size = Math.min(PER_PAGE, Number(url.searchParams.get("per_page") ?? 20));
  const page = Number(url.searchParams.get("page") ?? 1);
  const next = new URL(url);
  next.searchParams.set("page", String(page + 1));
  const link: Record<string, string> = all.length > page * size ? { Link: `<${next.href}>; rel="next"` } : {};
  return [200, all.slice((page - 1) * size, page * size), { ...JSON_HEADERS, ...link }];
}

export class GitLabHarness implements ContractHarness {
  readonly provider: GitLabProvider;
  readonly repo = { repository: PROJECT };
  readonly http = true;
  readonly forge = new GitLabForge();
  #count = 0;
  #failure: { status: 502 | 429; retryAfterSeconds?: number } | null = null;
  /** Retry waits, recorded instead of slept: a Retry-After of seconds costs no time. */
  readonly retryWaits: number[] = [];
  /** A pending `failure` step, and whether the step it hit registers nothing more. */
  #refusal: 401 | 503 | null = null;
  #muted = false;

  constructor() {
    this.provider = new GitLabProvider({ host: HOST, token: TOKEN, webhookSecret: SECRET, retry: { baseDelayMs: 5, sleep: async (ms) => void this.retryWaits.push(ms) } });
  }

  async seed(files: Record<string, FileBytes>): Promise<string> {
    const parent = this.forge.branches.get("main");
    const sha = this.forge.addCommit(parent === undefined ? [] : [parent], byteMap(files), "seed", {
      name: "Seeder",
      email: "seed@example.com",
    });
    this.forge.branches.set("main", sha);
    this.#count = 0;
    return sha;
  }

  requestCount(): number {
    return this.#count;
  }

  async emptyRepository(): Promise<void> {
    this.forge.branches.clear();
  }

  async deleteBranch(branch: string): Promise<void> {
    this.forge.branches.delete(branch);
  }

  async addComments(pullRequest: number, bodies: string[]): Promise<void> {
    const notes = this.forge.notes.get(pullRequest) ?? [];
    for (const body of bodies) notes.push({ id: this.forge.nextId(), body, system: false });
    this.forge.notes.set(pullRequest, notes);
  }

  async addPullRequests(heads: string[]): Promise<void> {
    for (const head of heads) {
      this.forge.mergeRequests.push({ iid: this.forge.mergeRequests.length + 1, title: head, description: "", sourceBranch: head, targetBranch: "main", state: "opened" });
    }
  }

  async addBranches(names: string[], sha: string): Promise<void> {
    for (const name of names) this.forge.branches.set(name, sha);
  }

  async snapshot(sha: string): Promise<Record<string, string>> {
    return textMap(this.forge.commit(sha).files);
  }

  async head(branch: string): Promise<string | null> {
    return this.forge.branches.get(branch) ?? null;
  }

  async comments(pullRequest: number): Promise<string[]> {
    return (this.forge.notes.get(pullRequest) ?? []).filter((n) => n.body.includes(COMMENT_MARKER)).map((n) => n.body);
  }

  async cleanup(): Promise<void> {}

  pushWebhook(input: { branch: string; before: string; after: string; validSignature: boolean }): WebhookRequest {
    const payload = {
      ...FIXTURES.push,
      ref: `refs/heads/${input.branch}`,
      before: input.before,
      after: input.after,
      checkout_sha: input.after,
    };
    const uuid = randomUUID();
    return {
      headers: {
        "content-type": "application/json",
        "x-gitlab-event": "Push Hook",
        "x-gitlab-token": input.validSignature ? SECRET : "not-the-secret",
        "x-gitlab-event-uuid": uuid,
        "idempotency-key": uuid,
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
        this.#on("GET", `repository/commits/${step.ref}`, () => {
          const sha = this.forge.resolve(step.ref);
          return sha === null ? error(404, "commitNotFound") : [200, this.#commitJson(FIXTURES.commit, sha), JSON_HEADERS];
        });
        return;
      case "readFiles":
        this.#expectRead(step.path, step.paths);
        return;
      case "changedFiles": {
        this.#on("GET", "repository/compare", (url) => this.#compare(url));
        const base = this.forge.resolve(step.base);
        const head = this.forge.resolve(step.head);
        const from = base !== null && head !== null ? (this.forge.mergeBase(base, head) ?? base) : null;
        if (from !== null && head !== null && this.forge.diff(from, head).length >= COMPARE_DIFF_LIMIT) {
          this.#onMergeBase();
          this.#onArchive();
          this.#onArchive();
        }
        return;
      }
      case "isAncestor":
        this.#onMergeBase();
        return;
      case "createBranch":
        this.#on("POST", "repository/branches", (_url, body) => {
          const name = String(body["branch"]);
          const sha = this.forge.resolve(String(body["ref"]));
          if (sha === null) return [400, { message: "Invalid reference name" }, JSON_HEADERS];
          if (this.forge.branches.has(name)) return [400, { message: "Branch already exists" }, JSON_HEADERS];
          this.forge.branches.set(name, sha);
          return [201, this.#branchJson(name), JSON_HEADERS];
        });
        return;
      case "commit":
        // A branch the caller resolved just before is not read again.
        if (step.headRead !== true) {
          this.#on("GET", `repository/branches/${step.branch}`, () =>
            this.forge.branches.has(step.branch) ? [200, this.#branchJson(step.branch), JSON_HEADERS] : error(404, "branchNotFound"),
          );
        }
        if (step.outcome === "moved") return;
        // A root commit reads no tree: there is none yet.
        // A tree the caller just read at the expected head is reused, not downloaded again.
        if (step.root !== true && step.treeRead !== true) this.#onArchive();
        if (step.outcome === "committed") this.#on("POST", "repository/commits", (_url, body) => this.#createCommit(body));
        // No difference on a branch asked for: the branch is created at the expected head.
        else if (step.createBranch === true && !this.forge.branches.has(step.branch)) this.expect({ op: "createBranch", branch: step.branch, sha: "" });
        return;
      case "openPullRequest":
        this.#expectMergeRequest(step);
        return;
      case "getPullRequest":
        this.#on("GET", `merge_requests/${step.number}`, () =>
          this.forge.mergeRequests.some((mr) => mr.iid === step.number)
            ? [200, this.#mergeRequestJson(step.number), JSON_HEADERS]
            : error(404, "mergeRequestNotFound"),
        );
        return;
      case "publishCheck":
        this.#on("POST", `statuses/${step.sha}`, (_url, body) => {
          const status = {
            id: this.forge.nextId(),
            sha: step.sha,
            name: String(body["name"] ?? "default"),
            state: String(body["state"]),
            description: typeof body["description"] === "string" ? body["description"] : null,
            ref: typeof body["ref"] === "string" ? body["ref"] : null,
          };
          if (!["pending", "running", "success", "failed", "canceled", "skipped"].includes(status.state)) {
            return [400, { message: "state does not have a valid value" }, JSON_HEADERS];
          }
          this.forge.statuses.push(status);
          return [201, { ...FIXTURES.status, id: status.id, sha: status.sha, name: status.name, status: status.state, description: status.description }, JSON_HEADERS];
        });
        return;
      case "upsertComment": {
        const base = `merge_requests/${step.pullRequest}/notes`;
        const notes = () => this.forge.notes.get(step.pullRequest) ?? [];
        for (let i = 0; i < pageCount(notes().length); i++) {
          this.#on("GET", base, (url) => paged(url, notes().map((n) => this.#noteJson(step.pullRequest, n))));
        }
        if (step.existing) {
          const ours = notes().find((n) => !n.system && n.body.includes(COMMENT_MARKER));
          this.#on("PUT", `${base}/${ours?.id ?? "missing"}`, (_url, body) => {
            if (ours === undefined) return error(404, "mergeRequestNotFound");
            ours.body = String(body["body"]);
            return [200, this.#noteJson(step.pullRequest, ours), JSON_HEADERS];
          });
        } else {
          this.#on("POST", base, (_url, body) => {
            const note = { id: this.forge.nextId(), body: String(body["body"]), system: false };
            this.forge.notes.set(step.pullRequest, [...notes(), note]);
            return [201, this.#noteJson(step.pullRequest, note), JSON_HEADERS];
          });
        }
        return;
      }
    }
  }

  /** The open merge request of head → base, every page of it, and a new one when there is none. */
  #expectMergeRequest(step: Extract<ContractStep, { op: "openPullRequest" }>): void {
    // GitLab filters by state and branches; the matches come in pages all the same.
    const matching = (q: URLSearchParams) =>
      this.forge.mergeRequests.filter(
        (mr) =>
          mr.state === (q.get("state") ?? mr.state) &&
          mr.sourceBranch === (q.get("source_branch") ?? mr.sourceBranch) &&
          mr.targetBranch === (q.get("target_branch") ?? mr.targetBranch),
      );
    const filter = new URLSearchParams({ state: "opened", source_branch: step.head, target_branch: step.base });
    for (let i = 0; i < pageCount(matching(filter).length); i++) {
      this.#on("GET", "merge_requests", (url) => paged(url, matching(url.searchParams).map((mr) => this.#mergeRequestJson(mr.iid))));
    }
    if (!step.existing) {
      this.#on("POST", "merge_requests", (_url, body) => {
        const iid = this.forge.mergeRequests.length + 1;
        this.forge.mergeRequests.push({
          iid,
          title: String(body["title"]),
          description: String(body["description"] ?? ""),
          sourceBranch: String(body["source_branch"]),
          targetBranch: String(body["target_branch"]),
          state: "opened",
        });
        return [201, this.#mergeRequestJson(iid), JSON_HEADERS];
      });
    }
  }

  #expectRead(path: string, paths?: string[]): void {
    const dir = path.replace(/^\/+|\/+$/g, "");
    const under = (p: string) => dir === "" || p.startsWith(`${dir}/`);
    if (paths === undefined) return this.#onArchive();
    const wanted = [...new Set(paths)].filter(under);
    if (wanted.length === 0) return;
    const folder = (p: string) => p.split("/").slice(0, -1).join("/");
    const oneFolder = wanted.length > 1 && wanted.every((p) => folder(p) === folder(wanted[0] ?? ""));
    if (wanted.length > DEFAULT_RAW_FILE_LIMIT || oneFolder) return this.#onArchive();
    for (const file of wanted) {
      this.#on("GET", `repository/files/${file}/raw`, (url) => {
        const sha = this.forge.resolve(url.searchParams.get("ref") ?? "");
        const content = sha === null ? undefined : this.forge.commit(sha).files.get(file);
        // GitLab labels a raw file text/plain whatever its bytes are; the bytes are sent as stored.
        return content === undefined ? error(404, "fileNotFound") : [200, content, { "Content-Type": "text/plain; charset=utf-8" }];
      });
    }
  }

  /** GET .../repository/archive.tar.gz?sha=&path=: the folder `<project>-<sha>[-<path>]/` holding full paths. */
  #onArchive(): void {
    this.#on("GET", "repository/archive.tar.gz", async (url) => {
      const sha = this.forge.resolve(url.searchParams.get("sha") ?? "");
      if (sha === null) return error(404, "commitNotFound");
      const sub = url.searchParams.get("path") ?? "";
      const prefix = `config-${sha}${sub === "" ? "" : `-${sub.replace(/\//g, "-")}`}`;
      const files = [...this.forge.commit(sha).files].filter(([file]) => sub === "" || file.startsWith(`${sub}/`));
      // A folder with no file at that commit: GitLab answers 200 with an empty body, no archive.
      if (sub !== "" && files.length === 0) return [200, Buffer.alloc(0), { "Content-Type": "application/octet-stream" }];
      const tar = pack();
      for (const [file, content] of files) tar.entry({ name: `${prefix}/${file}` }, content);
      tar.finalize();
      const chunks: Buffer[] = [];
      for await (const chunk of tar) chunks.push(Buffer.from(chunk as Uint8Array));
      return [200, gzipSync(Buffer.concat(chunks)), {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": `attachment; filename="${prefix}.tar.gz"`,
      }];
    });
  }

  #onMergeBase(): void {
    this.#on("GET", "repository/merge_base", (url) => {
      const [a, b] = url.searchParams.getAll("refs[]").map((r) => this.forge.resolve(r));
      const base = a && b ? this.forge.mergeBase(a, b) : null;
      return base === null ? error(400, "mergeBaseNotFound") : [200, this.#commitJson(FIXTURES.mergeBase, base), JSON_HEADERS];
    });
  }

  /** GitLab's compare: from the merge base unless `straight=true` asks for the two trees. */
  #compare(url: URL): Reply {
    const start = this.forge.resolve(url.searchParams.get("from") ?? "");
    const to = this.forge.resolve(url.searchParams.get("to") ?? "");
    if (start === null || to === null) return error(404, "commitNotFound");
    const from = url.searchParams.get("straight") === "true" ? start : (this.forge.mergeBase(start, to) ?? start);
    const template = (FIXTURES.compare["diffs"] as Json[])[0] as Json;
    const diffs = this.forge.diff(from, to).slice(0, COMPARE_DIFF_LIMIT).map((d) => ({ ...template, ...d, diff: "" }));
    const commits = [...this.forge.ancestors(to)].filter((id) => !this.forge.ancestors(from).has(id));
    return [200, {
      ...FIXTURES.compare,
      commit: this.#commitJson(FIXTURES.compare["commit"] as Json, to),
      commits: commits.map((id) => this.#commitJson((FIXTURES.compare["commits"] as Json[])[0] as Json, id)),
      diffs,
      compare_same_ref: from === to,
    }, JSON_HEADERS];
  }

  #createCommit(body: Json): Reply {
    const branch = String(body["branch"]);
    const startSha = typeof body["start_sha"] === "string" ? body["start_sha"] : undefined;
    const current = this.forge.branches.get(branch);
    if (startSha !== undefined && current !== undefined && body["force"] !== true) return error(400, "branchExists");
    const start = startSha === undefined ? current : this.forge.resolve(startSha);
    // An empty project takes a first commit on any branch; one with history needs a start.
    const empty = this.forge.branches.size === 0 && startSha === undefined;
    if (!empty && (start === undefined || start === null)) return [400, { message: "You can only create or edit files when you are on a branch" }, JSON_HEADERS];
    try {
      const files = empty ? this.forge.applyActionsToNothing(body["actions"] as ForgeAction[]) : this.forge.applyActions(start!, body["actions"] as ForgeAction[]);
      const sha = this.forge.addCommit(empty ? [] : [start!], files, String(body["commit_message"]), {
        name: String(body["author_name"] ?? "Token User"),
        email: String(body["author_email"] ?? "token@example.com"),
      });
      this.forge.branches.set(branch, sha);
      return [201, this.#commitJson(FIXTURES.created, sha), JSON_HEADERS];
    } catch (rejected) {
      if (rejected instanceof CommitRejected) return [400, { message: rejected.message }, JSON_HEADERS];
      throw rejected;
    }
  }

  #commitJson(template: Json, sha: string): Json {
    const commit = this.forge.commit(sha);
    const json: Json = { ...template, id: sha, short_id: sha.slice(0, 11) };
    if ("parent_ids" in template) json["parent_ids"] = commit.parentIds;
    if ("message" in template) json["message"] = commit.message;
    if ("title" in template) json["title"] = commit.message.split("\n")[0];
    if ("author_name" in template) json["author_name"] = commit.authorName;
    if ("author_email" in template) json["author_email"] = commit.authorEmail;
    if ("web_url" in template) json["web_url"] = `${HOST}/${PROJECT}/-/commit/${sha}`;
    return json;
  }

  #branchJson(name: string): Json {
    const sha = this.forge.branches.get(name) as string;
    return {
      ...FIXTURES.branch,
      name,
      default: name === "main",
      protected: name === "main",
      web_url: `${HOST}/${PROJECT}/-/tree/${name}`,
      commit: this.#commitJson(FIXTURES.branch["commit"] as Json, sha),
    };
  }

  #mergeRequestJson(iid: number): Json {
    const mr = this.forge.mergeRequests.find((m) => m.iid === iid);
    if (mr === undefined) throw new Error(`forge: no merge request ${iid}`);
    return {
      ...FIXTURES.mergeRequest,
      id: 1000 + iid,
      iid,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      source_branch: mr.sourceBranch,
      target_branch: mr.targetBranch,
      sha: this.forge.branches.get(mr.sourceBranch) ?? null,
      reference: `!${iid}`,
      references: { short: `!${iid}`, relative: `!${iid}`, full: `${PROJECT}!${iid}` },
      web_url: `${HOST}/${PROJECT}/-/merge_requests/${iid}`,
    };
  }

  #noteJson(iid: number, note: { id: number; body: string; system: boolean }): Json {
    return { ...FIXTURES.note, id: note.id, body: note.body, system: note.system, noteable_iid: iid };
  }

  /**
   * One one-shot interceptor for `method API+path`, preceded by the pending transient failure
   * if a `transientFailure` step came first. Paths are compared decoded, queries parsed.
   */
  #on(method: "GET" | "POST" | "PUT", path: string, reply: (url: URL, body: Json) => Reply | Promise<Reply>): void {
    const matches = (uri: string) => {
      const url = new URL(uri, HOST);
      return url.pathname.startsWith(API) && decodeURIComponent(url.pathname.slice(API.length)) === path;
    };
    const scope = () => nock(HOST, { reqheaders: { "private-token": TOKEN } }).intercept(matches, method);
    if (this.#muted) return;
    if (this.#refusal !== null) {
      // The requester retries a 5xx three times (DEFAULT_RETRY) and never a 401.
      const status = this.#refusal;
      this.#refusal = null;
      this.#muted = true;
      const message = status === 401 ? "401 Unauthorized" : "503 Service Unavailable";
      for (let i = 0; i < (status >= 500 ? 4 : 1); i++) {
        scope().reply(() => {
          this.#count += 1;
          return [status, { message }, { "Content-Type": "application/json" }];
        });
      }
      return;
    }
    const failure = this.#failure;
    if (failure !== null) {
      this.#failure = null;
      scope().reply(() => {
        this.#count += 1;
        const headers: Record<string, string> = { "Content-Type": "application/json" };
        if (failure.retryAfterSeconds !== undefined) headers["Retry-After"] = String(failure.retryAfterSeconds);
        return [failure.status, failure.status === 429 ? FIXTURES.errors["tooManyRequests"] : FIXTURES.errors["badGateway"], headers];
      });
    }
    scope().reply((uri, body, callback) => {
      this.#count += 1;
      const url = new URL(uri, HOST);
      const json = typeof body === "string" && body !== "" ? (JSON.parse(body) as Json) : ((body as Json | undefined) ?? {});
      Promise.resolve(reply(url, json)).then(
        ([status, payload, headers]) =>
          callback(null, [status, typeof payload === "string" || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload), headers ?? {}]),
        (failure: Error) => callback(failure, [500, ""]),
      );
    });
  }
}

export async function createGitLabHarness(): Promise<ContractHarness> {
  return new GitLabHarness();
}
