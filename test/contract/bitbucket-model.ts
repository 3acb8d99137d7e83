import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { toBytes, type FileBytes } from "./file-bytes.js";
import { treeChanges } from "./tree-changes.js";
import type { WebhookRequest } from "../../src/core/index.js";
import { signBitbucketBody } from "../../src/providers/bitbucket/index.js";
import { ancestry, mergeBaseOf } from "./commit-graph.js";

/**
 * An in-memory Bitbucket Cloud repository (commits with full file maps of bytes, branches, pull
 * requests, build statuses, Code Insights reports, PR comments) and the JSON it answers with.
 * Every response body starts from a fixture in fixtures/bitbucket (shaped like the published
 * API examples) with the model's values put in.
 */

const FIXTURES = new URL("../../fixtures/bitbucket/", import.meta.url);

export function fixture<T = Record<string, any>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), "utf8")) as T;
}

/** A webhook delivery as Bitbucket Cloud sends it: the JSON body, signed with `secret`. */
export function signedDelivery(event: string, payload: unknown, secret: string, requestUuid: string = randomUUID()): WebhookRequest {
  const rawBody = Buffer.from(JSON.stringify(payload));
  return {
    rawBody,
    headers: {
      "content-type": "application/json",
      "x-event-key": event,
      "x-request-uuid": requestUuid,
      "x-hook-uuid": "{6f1a1d3e-2b4c-4d5e-8f90-a1b2c3d4e5f6}",
      "x-attempt-number": "1",
      "x-hub-signature": signBitbucketBody(rawBody, secret),
    },
  };
}

export interface ModelCommit {
  sha: string;
  parents: string[];
  files: Record<string, Buffer>;
  message: string;
  author: string;
}

export interface ModelPull {
  id: number;
  title: string;
  description: string;
  source: string;
  destination: string;
  state: "OPEN" | "MERGED" | "DECLINED";
  /** The merge commit of a merged pull request. */
  mergeCommit?: string;
}

export interface ModelStatus {
  key: string;
  state: string;
  name: string;
  description: string;
  url: string;
  /** The branch the status belongs to (`refname`), when one was sent. */
  refname?: string;
}

export interface ModelReport {
  body: Record<string, unknown>;
  annotations: Map<string, Record<string, unknown>>;
}

export class BitbucketModel {
  readonly commits = new Map<string, ModelCommit>();
  readonly branches = new Map<string, string>();
  readonly tags = new Map<string, string>();
  readonly pulls = new Map<number, ModelPull>();
  readonly statuses = new Map<string, Map<string, ModelStatus>>();
  readonly reports = new Map<string, Map<string, ModelReport>>();
  readonly comments = new Map<number, { id: number; raw: string; deleted: boolean }[]>();
  private serial = 0;

  constructor(
    readonly apiUrl: string,
    readonly webUrl: string,
  ) {}

  /** Text is stored as its UTF-8 bytes. */
  addCommit(parents: string[], files: Record<string, FileBytes>, message: string, author: string): string {
    const bytes = Object.fromEntries(Object.entries(files).map(([path, content]) => [path, toBytes(content)]));
    const sha = createHash("sha1")
      .update(JSON.stringify([parents, message, author, ++this.serial, Object.keys(bytes)]))
      .digest("hex");
    this.commits.set(sha, { sha, parents, files: bytes, message, author });
    return sha;
  }

  /** A full sha, or the unique commit a 12-character prefix names. */
  findCommit(hash: string): ModelCommit | undefined {
    const exact = this.commits.get(hash);
    if (exact || hash.length >= 40) return exact;
    const matches = [...this.commits.values()].filter((c) => c.sha.startsWith(hash));
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** The commit a ref names: a sha or a branch. */
  resolve(ref: string): ModelCommit | undefined {
    return this.findCommit(ref) ?? this.commits.get(this.branches.get(ref) ?? "");
  }

  ancestors(sha: string): string[] {
    return ancestry(sha, (c) => this.commits.get(c)?.parents ?? []);
  }

  mergeBase(a: string, b: string): string | undefined {
    return mergeBaseOf(a, b, (c) => this.commits.get(c)?.parents ?? []) ?? undefined;
  }

  nextPullId(): number {
    return this.pulls.size + 1;
  }

  nextCommentId(): number {
    return 100 + [...this.comments.values()].reduce((n, list) => n + list.length, 0) + 1;
  }

  // ---- JSON bodies, from the fixtures ----

  commitJson(sha: string): Record<string, any> {
    const c = this.commits.get(sha) as ModelCommit;
    const body = fixture("commit");
    body.hash = sha;
    body.message = c.message;
    body.summary.raw = c.message;
    body.author.raw = c.author;
    body.parents = c.parents.map((p) => ({ type: "commit", hash: p, links: { self: { href: `${this.apiUrl}/commit/${p}` }, html: { href: `${this.webUrl}/commits/${p}` } } }));
    body.links.self.href = `${this.apiUrl}/commit/${sha}`;
    body.links.html.href = `${this.webUrl}/commits/${sha}`;
    return body;
  }

  /** The repo:push payload of `branch` moving from `before` to `after` (the model's commit). */
  pushPayload(input: { branch: string; before: string; after: string }): Record<string, any> {
    const payload = fixture("webhook-repo-push");
    const change = payload.push.changes[0];
    change.old.name = input.branch;
    change.old.target.hash = input.before;
    change.new.name = input.branch;
    change.new.target.hash = input.after;
    change.commits = [this.commitJson(input.after)];
    return payload;
  }

  branchJson(name: string): Record<string, any> {
    const body = fixture("branch");
    body.name = name;
    body.target = this.commitJson(this.branches.get(name) as string);
    body.links.self.href = `${this.apiUrl}/refs/branches/${encodeURIComponent(name)}`;
    return body;
  }

  /** Files and directories under `dir` (recursive), as the src listing returns them. */
  listing(sha: string, dir: string): Record<string, any>[] | null {
    const files = Object.keys(this.commits.get(sha)?.files ?? {}).filter((p) => dir === "" || p.startsWith(`${dir}/`));
    if (files.length === 0) return null;
    const dirs = new Set<string>();
    for (const p of files) {
      const parts = p.split("/");
      for (let i = 1; i < parts.length; i++) {
        const d = parts.slice(0, i).join("/");
        if (dir === "" || d.startsWith(`${dir}/`)) dirs.add(d);
      }
    }
    const entries = [...dirs].map((d) => {
      const e = fixture("src-directory");
      e.path = d;
      e.commit.hash = sha;
      return e;
    });
    for (const p of files) {
      const e = fixture("src-file");
      e.path = p;
      e.escaped_path = p;
      e.size = this.commits.get(sha)?.files[p]?.length ?? 0;
      e.commit.hash = sha;
      entries.push(e);
    }
    return entries.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** The entries of a diffstat from `base` to `head`: each side links to its file at that side's full hash. */
  diffstat(base: string, head: string): Record<string, any>[] {
    const from = this.commits.get(base)?.files ?? {};
    const to = this.commits.get(head)?.files ?? {};
    const src = (sha: string, path: string) => `${this.apiUrl}/src/${sha}/${path.split("/").map(encodeURIComponent).join("/")}`;
    return treeChanges(new Map(Object.entries(from)), new Map(Object.entries(to))).map((c) => {
      const e = fixture("diffstat-entry");
      e.status = c.status;
      const old = c.previous ?? c.path;
      if (c.status === "added") e.old = null;
      else Object.assign(e.old, { path: old, escaped_path: old, links: { self: { href: src(base, old) } } });
      if (c.status === "removed") e.new = null;
      else Object.assign(e.new, { path: c.path, escaped_path: c.path, links: { self: { href: src(head, c.path) } } });
      return e;
    });
  }

  pullJson(pr: ModelPull): Record<string, any> {
    const body = fixture("pullrequest");
    const headSha = this.branches.get(pr.source) as string;
    const baseSha = this.branches.get(pr.destination) as string;
    Object.assign(body, { id: pr.id, title: pr.title, description: pr.description, state: pr.state });
    body.summary.raw = pr.description;
    body.source.branch.name = pr.source;
    body.source.commit.hash = headSha.slice(0, 12);
    body.destination.branch.name = pr.destination;
    body.destination.commit.hash = baseSha.slice(0, 12);
    if (pr.mergeCommit) {
      const short = pr.mergeCommit.slice(0, 12);
      body.merge_commit = { type: "commit", hash: short, links: { self: { href: `${this.apiUrl}/commit/${short}` }, html: { href: `${this.webUrl}/commits/${short}` } } };
    }
    body.links.self.href = `${this.apiUrl}/pullrequests/${pr.id}`;
    body.links.html.href = `${this.webUrl}/pull-requests/${pr.id}`;
    return body;
  }

  statusJson(sha: string, status: ModelStatus): Record<string, any> {
    const body = fixture("commitstatus");
    Object.assign(body, status);
    body.links.self.href = `${this.apiUrl}/commit/${sha}/statuses/build/${status.key}`;
    body.links.commit.href = `${this.apiUrl}/commit/${sha}`;
    return body;
  }

  commentJson(prId: number, comment: { id: number; raw: string; deleted: boolean }): Record<string, any> {
    const body = fixture("comment");
    body.id = comment.id;
    body.content.raw = comment.raw;
    body.deleted = comment.deleted;
    body.pullrequest.id = prId;
    body.links.self.href = `${this.apiUrl}/pullrequests/${prId}/comments/${comment.id}`;
    return body;
  }
}
