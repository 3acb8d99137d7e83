import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { checkAzureRequest } from "../helpers/azure-devops-routes.js";
import { writeZip } from "../helpers/zip-writer.js";
import { PushRejected, type AzureForge, type PushChange } from "./azure-devops-forge.js";

/**
 * Azure DevOps' REST answers, built from the in-memory forge on the bodies of
 * fixtures/azure-devops: one method per route, and `dispatch` that checks a request against the
 * REST reference's description (test/helpers/azure-devops-routes.ts) before answering it. The
 * contract harness registers these one request at a time through nock; the loopback stand-in
 * (test/helpers/azure-devops-server.ts) serves them all.
 */

export const HOST = "https://dev.azure.com";
export const REPOSITORY = "acme/Data Platform/config";
export const API = "/acme/Data%20Platform/_apis/git/repositories/config/";
export const TOKEN = "azure-contract-personal-access-token";
export const WEBHOOK = { user: "gitsync-hook", password: "contract-hook-password" };
export const ZERO = "0".repeat(40);
const PROJECT_ID = "6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c";
const REPOSITORY_ID = "278d5cd2-584d-4b63-824a-2ba458937249";

export type Json = Record<string, unknown>;
export type Reply = [number, string | Buffer | Json | Json[], Record<string, string>?];

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../../fixtures/azure-devops/${name}.json`, import.meta.url), "utf8")) as Json;
}

export const FIXTURES = {
  refs: fixture("refs"),
  refUpdates: fixture("ref-updates"),
  commit: fixture("commit"),
  items: fixture("items"),
  push: fixture("push"),
  diffs: fixture("diffs"),
  mergeBases: fixture("merge-bases"),
  pullRequest: fixture("pull-request"),
  status: fixture("status"),
  thread: fixture("thread"),
  errors: fixture("errors") as Record<string, Json>,
  webhookPush: fixture("webhook-push"),
  webhookPullRequestCreated: fixture("webhook-pullrequest-created"),
  webhookPullRequestUpdated: fixture("webhook-pullrequest-updated"),
};

export const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8; api-version=7.1" };

export function error(status: number, key: string): Reply {
  return [status, FIXTURES.errors[key] ?? { message: key }, JSON_HEADERS];
}

export function first<T>(list: unknown): T {
  return (list as T[])[0] as T;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** What git names a blob of these bytes (the items listing's objectId). */
function gitBlobIdOf(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

export class AzureReplies {
  /** Requests the REST reference does not allow. */
  readonly violations: string[] = [];
  /** Served requests by route (`GET refs`, `POST pushes`, ...), for counting per operation. */
  readonly served: string[] = [];

  constructor(
    readonly forge: AzureForge,
    /** The repository's API root path (below the host), as the provider calls it. */
    readonly apiPath: string,
  ) {}

  /** Whether "Test connection" finds Contribute allowed. */
  mayPush = true;

  /** The request's path below the repository's API root, `""` for the root, `@collection/...` for the collection's services. */
  below(pathname: string): string | null {
    if (pathname.startsWith(this.apiPath)) return decodeURIComponent(pathname.slice(this.apiPath.length));
    if (`${pathname}/` === this.apiPath) return "";
    const collection = this.apiPath.slice(0, this.apiPath.indexOf("/Data%20Platform/"));
    return pathname.startsWith(`${collection}/_apis/`) ? `@collection/${decodeURIComponent(pathname.slice(collection.length + 7))}` : null;
  }

  /** Every route the provider may call, answered from the forge (for flows, not one-shot steps). */
  routes(): [string, RegExp, (url: URL, body: Json, match: RegExpExecArray) => Reply | Promise<Reply>][] {
    return [
      ["GET", /^$/, () => [200, { id: REPOSITORY_ID, name: "config", project: { id: PROJECT_ID, name: "Data Platform" }, defaultBranch: "refs/heads/main" }, JSON_HEADERS]],
      ["GET", /^@collection\/permissions\//i, (url) => {
        const token = url.searchParams.get("tokens") ?? "";
        return [200, { count: 1, value: [this.mayPush && token.startsWith(`repoV2/${PROJECT_ID}/${REPOSITORY_ID}/`)] }, JSON_HEADERS];
      }],
      ["GET", /^refs$/i, (url) => this.refs(url)],
      ["POST", /^refs$/i, (_url, body) => this.updateRefs(body as unknown as Json[])],
      ["GET", /^commits\/([0-9a-f]{40})$/i, (_url, _body, m) => (this.forge.commits.has(m[1] as string) ? [200, this.commitJson(m[1] as string), JSON_HEADERS] : error(404, "commitNotFound"))],
      ["GET", /^items$/i, (url) => (url.searchParams.get("$format") === "zip" ? this.zip(url) : this.itemList(url))],
      ["POST", /^pushes$/i, (_url, body) => this.push(body)],
      ["GET", /^diffs\/commits$/i, (url) => this.diff(url)],
      ["GET", /^commits\/([0-9a-f]{40})\/mergebases$/i, (url, _body, m) => this.mergeBases(m[1] as string, url)],
      ["GET", /^pullrequests$/i, (url) => this.searchPullRequests(url)],
      ["POST", /^pullrequests$/i, (_url, body) => this.createPullRequest(body)],
      ["GET", /^pullrequests\/(\d+)$/i, (_url, _body, m) => this.getPullRequest(Number(m[1]))],
      ["POST", /^pullrequests\/(\d+)\/statuses$/i, (_url, body, m) => this.status(`pr:${m[1]}`, body)],
      ["POST", /^commits\/([0-9a-f]{40})\/statuses$/i, (_url, body, m) => this.status(m[1] as string, body)],
      ["GET", /^pullrequests\/(\d+)\/threads$/i, (_url, _body, m) => this.listThreads(Number(m[1]))],
      ["POST", /^pullrequests\/(\d+)\/threads$/i, (_url, body, m) => this.createThread(Number(m[1]), body)],
      ["PATCH", /^pullrequests\/(\d+)\/threads\/(\d+)$/i, (_url, body, m) => this.updateThread(Number(m[1]), Number(m[2]), body)],
      ["PATCH", /^pullrequests\/(\d+)\/threads\/(\d+)\/comments\/(\d+)$/i, (_url, body, m) => this.updateComment(Number(m[1]), Number(m[2]), Number(m[3]), body)],
    ];
  }

  /**
   * Answers one request as Azure DevOps would, after checking it against the REST reference;
   * null when no route matches. Used by the loopback stand-in server of the end-to-end tests.
   */
  async dispatch(method: string, url: URL, rawBody: string, authorization: string | undefined): Promise<Reply> {
    if (authorization !== basicAuth("", TOKEN)) return [203, "<html>Sign in</html>", { "Content-Type": "text/html" }];
    const rest = this.below(url.pathname);
    const route = rest === null ? undefined : this.routes().find(([m, path]) => m === method && path.test(rest));
    if (rest === null || route === undefined) return [404, { message: `no route ${method} ${url.pathname}` }, JSON_HEADERS];
    this.served.push(`${method} ${rest.replace(/[0-9a-f]{40}/g, "{sha}").replace(/\d+/g, "{n}")}`);
    const json = rawBody === "" ? undefined : (JSON.parse(rawBody) as Json);
    const problem = checkAzureRequest(method, rest, url.searchParams, json);
    if (problem !== null) {
      this.violations.push(problem);
      return [400, { ...FIXTURES.errors["badRequest"], message: problem }, JSON_HEADERS];
    }
    return route[2](url, json ?? {}, route[1].exec(rest) as RegExpExecArray);
  }

  /** The repository as a service hook describes it. */
  repositoryJson(): Json {
    const template = FIXTURES.webhookPush["resource"] as Json;
    const repository = template["repository"] as Json;
    return {
      ...repository,
      name: "config",
      project: { ...(repository["project"] as Json), name: "Data Platform" },
      remoteUrl: "https://dev.azure.com/acme/Data%20Platform/_git/config",
    };
  }

  mergeBases(commit: string, url: URL): Reply {
    const other = url.searchParams.get("otherCommitId") ?? "";
    if (!this.forge.commits.has(commit) || !this.forge.commits.has(other)) return error(404, "commitNotFound");
    const base = this.forge.mergeBase(commit, other);
    return [200, { count: base === null ? 0 : 1, value: base === null ? [] : [{ ...first<Json>(FIXTURES.mergeBases["value"]), commitId: base }] }, JSON_HEADERS];
  }

  getPullRequest(id: number): Reply {
    return this.forge.pullRequests.some((p) => p.id === id) ? [200, this.pullRequestJson(id), JSON_HEADERS] : error(404, "pullRequestNotFound");
  }

  listThreads(pr: number): Reply {
    const threads = this.forge.threads.get(pr) ?? [];
    return [200, { count: threads.length, value: threads.map((t) => this.threadJson(t)) }, JSON_HEADERS];
  }

  createThread(pr: number, body: Json): Reply {
    const context = body["threadContext"] as Json | undefined;
    const comment = first<Json>(body["comments"]);
    const thread = {
      id: this.forge.nextId(),
      status: String(body["status"] ?? "unknown"),
      filePath: context === undefined ? null : String(context["filePath"]),
      line: context === undefined ? null : Number((context["rightFileStart"] as Json)["line"]),
      comments: [{ id: 1, content: String(comment["content"]) }],
    };
    this.forge.threads.set(pr, [...(this.forge.threads.get(pr) ?? []), thread]);
    return [200, this.threadJson(thread), JSON_HEADERS];
  }

  updateThread(pr: number, id: number, body: Json): Reply {
    const thread = (this.forge.threads.get(pr) ?? []).find((t) => t.id === id);
    if (thread === undefined) return error(404, "pullRequestNotFound");
    if (typeof body["status"] === "string") thread.status = body["status"];
    return [200, this.threadJson(thread), JSON_HEADERS];
  }

  updateComment(pr: number, threadId: number, commentId: number, body: Json): Reply {
    const thread = (this.forge.threads.get(pr) ?? []).find((t) => t.id === threadId);
    const comment = thread?.comments.find((c) => c.id === commentId);
    if (comment === undefined) return error(404, "pullRequestNotFound");
    comment.content = String(body["content"]);
    return [200, { ...first<Json>(FIXTURES.thread["comments"]), id: comment.id, content: comment.content }, JSON_HEADERS];
  }

  pullRequestJson(id: number): Json {
    const pr = this.forge.pullRequests.find((p) => p.id === id);
    if (pr === undefined) throw new Error(`forge: no pull request ${id}`);
    const head = this.forge.branches.get(pr.source) ?? null;
    const base = this.forge.branches.get(pr.target) ?? null;
    return {
      ...FIXTURES.pullRequest,
      repository: { ...(FIXTURES.pullRequest["repository"] as Json), name: "config" },
      pullRequestId: id,
      codeReviewId: id,
      status: pr.status,
      title: pr.title,
      description: pr.description,
      sourceRefName: `refs/heads/${pr.source}`,
      targetRefName: `refs/heads/${pr.target}`,
      lastMergeSourceCommit: head === null ? undefined : { commitId: head, url: `${HOST}${API}commits/${head}` },
      lastMergeTargetCommit: base === null ? undefined : { commitId: base, url: `${HOST}${API}commits/${base}` },
      url: `${HOST}${API}pullRequests/${id}`,
    };
  }

  /**
   * Refs - List, by name. With `$top` (or a continuation token, then 100 a page) the list comes
   * in pages, each but the last naming the next in the x-ms-continuationtoken header.
   */
  refs(url: URL): Reply {
    const q = url.searchParams;
    const filter = q.get("filter") ?? "";
    const refs = [...this.forge.branches]
      .map(([name, sha]) => ({ name: `refs/heads/${name}`, objectId: sha }))
      .filter((r) => r.name.startsWith(`refs/${filter}`))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const token = q.get("continuationToken");
    const top = Number(q.get("$top") ?? (token === null ? refs.length : 100));
    const from = token === null ? 0 : refs.findIndex((r) => r.name >= Buffer.from(token, "base64url").toString("utf8"));
    const shown = refs.slice(Math.max(0, from), Math.max(0, from) + top);
    const rest = refs[Math.max(0, from) + top];
    const template = first<Json>(FIXTURES.refs["value"]);
    const next: Record<string, string> = rest === undefined ? {} : { "x-ms-continuationtoken": Buffer.from(rest.name).toString("base64url") };
    return [200, { count: shown.length, value: shown.map((r) => ({ ...template, ...r })) }, { ...JSON_HEADERS, ...next }];
  }

  /** How many pages of `filter`'s refs a client listing `top` a page reads. */
  refPages(filter: string, top: number): number {
    const matching = [...this.forge.branches.keys()].filter((name) => `refs/heads/${name}`.startsWith(`refs/${filter}`)).length;
    return Math.max(1, Math.ceil(matching / top));
  }

  updateRefs(updates: Json[]): Reply {
    const value = updates.map((u) => {
      const name = String(u["name"]).replace(/^refs\/heads\//, "");
      const current = this.forge.branches.get(name) ?? ZERO;
      const ok = current === u["oldObjectId"] && this.forge.commits.has(String(u["newObjectId"]));
      if (ok) this.forge.branches.set(name, String(u["newObjectId"]));
      return { ...first<Json>(FIXTURES.refUpdates["value"]), name: u["name"], oldObjectId: u["oldObjectId"], newObjectId: u["newObjectId"], success: ok, updateStatus: ok ? "succeeded" : "staleOldObjectId" };
    });
    return [200, { count: value.length, value }, JSON_HEADERS];
  }

  commitJson(sha: string): Json {
    const commit = this.forge.commit(sha);
    return { ...FIXTURES.commit, commitId: sha, parents: commit.parents, comment: commit.comment, url: `${HOST}${API}commits/${sha}` };
  }

  resolveVersion(url: URL): string | null {
    const version = url.searchParams.get("versionDescriptor.version") ?? "";
    return this.forge.commits.has(version) ? version : null;
  }

  /** Items - Get with $format=zip: the folder itself and what it holds (full paths for the root). */
  zip(url: URL): Reply {
    const sha = this.resolveVersion(url);
    if (sha === null) return error(404, "commitNotFound");
    const folder = (url.searchParams.get("path") ?? "/").replace(/^\/+|\/+$/g, "");
    const parent = folder.includes("/") ? folder.slice(0, folder.lastIndexOf("/") + 1) : "";
    const files = [...this.forge.commit(sha).files].filter(([p]) => folder === "" || p.startsWith(`${folder}/`));
    if (files.length === 0) return error(404, "itemNotFound");
    const entries = files.map(([p, content]) => ({ name: p.slice(parent.length), content }));
    return [200, writeZip(entries), { "Content-Type": "application/zip" }];
  }

  /** Items - List: blobs and folders under scopePath with their object ids. */
  itemList(url: URL): Reply {
    const sha = this.resolveVersion(url);
    if (sha === null) return error(404, "commitNotFound");
    const scope = (url.searchParams.get("scopePath") ?? "/").replace(/^\/+|\/+$/g, "");
    const files = [...this.forge.commit(sha).files].filter(([p]) => scope === "" || p.startsWith(`${scope}/`));
    if (files.length === 0) return error(404, "itemNotFound");
    const [folderTemplate, blobTemplate] = FIXTURES.items["value"] as Json[];
    const value: Json[] = [{ ...folderTemplate, path: `/${scope}`, commitId: sha }];
    for (const [path, content] of files) {
      const objectId = gitBlobIdOf(content);
      value.push({ ...blobTemplate, objectId, path: `/${path}`, commitId: sha });
    }
    return [200, { count: value.length, value }, JSON_HEADERS];
  }

  diff(url: URL): Reply {
    const q = url.searchParams;
    const base = q.get("baseVersion") ?? "";
    const head = q.get("targetVersion") ?? "";
    if (!this.forge.commits.has(base) || !this.forge.commits.has(head)) return error(404, "commitNotFound");
    const common = q.get("diffCommonCommit") === "true" ? (this.forge.mergeBase(base, head) ?? base) : base;
    const all = this.forge.diff(common, head);
    const top = Number(q.get("$top") ?? 100);
    const skip = Number(q.get("$skip") ?? 0);
    const template = first<Json>(FIXTURES.diffs["changes"]);
    const changes = all.slice(skip, skip + top).map((c) => ({
      ...template,
      item: { ...(template["item"] as Json), path: `/${c.path}`, gitObjectType: c.folder ? "tree" : "blob", ...(c.folder ? { isFolder: true } : {}) },
      changeType: c.changeType,
      ...(c.previous === undefined ? {} : { sourceServerItem: `/${c.previous}` }),
    }));
    return [200, { ...FIXTURES.diffs, changes, allChangesIncluded: skip + top >= all.length, commonCommit: common, baseCommit: base, targetCommit: head }, JSON_HEADERS];
  }

  push(body: Json): Reply {
    const ref = first<Json>(body["refUpdates"]);
    const commit = first<Json>(body["commits"]);
    const branch = String(ref["name"]).replace(/^refs\/heads\//, "");
    const user = (value: unknown) => ({ name: String((value as Json)["name"]), email: String((value as Json)["email"]) });
    try {
      const id = this.forge.push(branch, String(ref["oldObjectId"]), (commit["parents"] as string[] | undefined) ?? [], commit["changes"] as PushChange[], String(commit["comment"]), user(commit["author"]), user(commit["committer"] ?? commit["author"]));
      const template = first<Json>(FIXTURES.push["commits"]);
      return [201, {
        ...FIXTURES.push,
        commits: [{ ...template, commitId: id, comment: commit["comment"] }],
        refUpdates: [{ ...first<Json>(FIXTURES.push["refUpdates"]), name: ref["name"], oldObjectId: ref["oldObjectId"], newObjectId: id }],
      }, JSON_HEADERS];
    } catch (rejected) {
      if (!(rejected instanceof PushRejected)) throw rejected;
      return rejected.message === "stale" ? error(409, "referenceStale") : [400, { ...FIXTURES.errors["badRequest"], message: rejected.message }, JSON_HEADERS];
    }
  }

  searchPullRequests(url: URL): Reply {
    const q = url.searchParams;
    const found = this.forge.pullRequests.filter(
      (pr) =>
        pr.status === (q.get("searchCriteria.status") ?? pr.status) &&
        `refs/heads/${pr.source}` === (q.get("searchCriteria.sourceRefName") ?? `refs/heads/${pr.source}`) &&
        `refs/heads/${pr.target}` === (q.get("searchCriteria.targetRefName") ?? `refs/heads/${pr.target}`),
    );
    // `$top` a page, from `$skip` on.
    const skip = Number(q.get("$skip") ?? 0);
    const shown = found.slice(skip, skip + Number(q.get("$top") ?? found.length));
    return [200, { count: shown.length, value: shown.map((pr) => this.pullRequestJson(pr.id)) }, JSON_HEADERS];
  }

  createPullRequest(body: Json): Reply {
    const source = String(body["sourceRefName"]).replace(/^refs\/heads\//, "");
    const target = String(body["targetRefName"]).replace(/^refs\/heads\//, "");
    if (!this.forge.branches.has(source)) return [400, { ...FIXTURES.errors["badRequest"], message: "TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists" }, JSON_HEADERS];
    const id = this.forge.pullRequests.length + 1;
    this.forge.pullRequests.push({ id, title: String(body["title"]), description: String(body["description"] ?? ""), source, target, status: "active" });
    return [201, this.pullRequestJson(id), JSON_HEADERS];
  }

  status(on: string, body: Json): Reply {
    const context = body["context"] as Json;
    const status = { id: this.forge.nextId(), on, state: String(body["state"]), description: String(body["description"] ?? ""), genre: String(context["genre"] ?? ""), name: String(context["name"]) };
    this.forge.statuses.push(status);
    return [201, { ...FIXTURES.status, id: status.id, state: status.state, description: status.description, context }, JSON_HEADERS];
  }

  threadJson(thread: { id: number; status: string; filePath: string | null; line: number | null; comments: { id: number; content: string }[] }): Json {
    const template = first<Json>(FIXTURES.thread["comments"]);
    return {
      ...FIXTURES.thread,
      id: thread.id,
      status: thread.status,
      threadContext: thread.filePath === null ? null : { filePath: thread.filePath, rightFileStart: { line: thread.line, offset: 1 }, rightFileEnd: { line: thread.line, offset: 1 } },
      comments: thread.comments.map((c) => ({ ...template, id: c.id, content: c.content })),
    };
  }

}
