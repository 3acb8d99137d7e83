import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import nock from "nock";
import type { Actor, PullRequestAction, WebhookRequest } from "../../src/core/index.js";
import { textMap, toBytes } from "../contract/file-bytes.js";
import { GitLabHarness } from "../contract/gitlab-harness.js";
import type { FileEdits, ForgeAdapter } from "./gitlab-bitbucket-world.js";

/**
 * The GitLab side of the end-to-end tests: the contract harness's in-memory project (answering
 * through strict nock) plus what a person does on GitLab (push, merge) and the webhooks GitLab
 * sends for it, built on the documented payloads in fixtures/gitlab.
 */

type Json = Record<string, any>;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../../fixtures/gitlab/${name}.json`, import.meta.url), "utf8")) as Json;
}

const NOTE = fixture("note");
const MR_ACTIONS: Partial<Record<PullRequestAction, string>> = { opened: "open", updated: "update", reopened: "reopen" };

export class GitLabFlowForge implements ForgeAdapter {
  readonly name = "gitlab" as const;
  readonly repository = "acme/config";
  readonly harness = new GitLabHarness();
  readonly provider = this.harness.provider;
  readonly forge = this.harness.forge;
  /** The project's webhook secret token, as the harness configured its provider with it. */
  readonly #secret: string;

  constructor() {
    const probe = this.harness.pushWebhook({ branch: "main", before: "", after: "", validSignature: true });
    this.#secret = String(probe.headers["x-gitlab-token"]);
  }

  expect: ForgeAdapter["expect"] = (step) => this.harness.expect(step);

  seed(files: Record<string, string>): Promise<string> {
    return this.harness.seed(files);
  }

  push(branch: string, edits: FileEdits, author: Actor, message: string): string {
    const parent = this.forge.branches.get(branch) ?? this.forge.branches.get("main");
    if (parent === undefined) throw new Error("seed the forge first");
    const files = new Map(this.forge.commit(parent).files);
    for (const [path, content] of Object.entries(edits)) {
      if (content === null) files.delete(path);
      else files.set(path, toBytes(content));
    }
    const sha = this.forge.addCommit([parent], files, message, author);
    this.forge.branches.set(branch, sha);
    return sha;
  }

  merge(number: number): string {
    const mr = this.forge.mergeRequests.find((m) => m.iid === number);
    if (mr === undefined) throw new Error(`no merge request !${number}`);
    const source = this.forge.branches.get(mr.sourceBranch) as string;
    const target = this.forge.branches.get(mr.targetBranch) as string;
    // The snapshot branch starts at the target's head, so the merged tree is the source's.
    const sha = this.forge.addCommit(
      [target, source],
      new Map(this.forge.commit(source).files),
      `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\nSee merge request ${this.repository}!${number}`,
      { name: "Ada Lovelace", email: "ada@example.com" },
    );
    this.forge.branches.set(mr.targetBranch, sha);
    mr.state = "merged";
    return sha;
  }

  pushWebhook(input: { branch: string; before: string; after: string; pusher: Actor; validSignature?: boolean }): WebhookRequest {
    const payload = fixture("webhook-push");
    Object.assign(payload, {
      ref: `refs/heads/${input.branch}`,
      before: input.before,
      after: input.after,
      checkout_sha: input.after,
      user_name: input.pusher.name,
      user_email: input.pusher.email,
    });
    return this.#signed("Push Hook", payload, input.validSignature ?? true);
  }

  /** A Merge Request Hook as GitLab sends it when an MR is opened, updated or reopened. */
  mergeRequestWebhook(input: {
    action: PullRequestAction;
    iid: number;
    source: string;
    target: string;
    headSha: string;
    oldrev?: string;
    project?: string;
  }): WebhookRequest {
    const payload = fixture("webhook-merge-request");
    const attributes = payload.object_attributes as Json;
    Object.assign(attributes, {
      iid: input.iid,
      action: MR_ACTIONS[input.action] ?? input.action,
      source_branch: input.source,
      target_branch: input.target,
      url: `https://gitlab.example.test/${this.repository}/-/merge_requests/${input.iid}`,
    });
    attributes.last_commit = { ...attributes.last_commit, id: input.headSha, url: `https://gitlab.example.test/${this.repository}/-/commit/${input.headSha}` };
    if (input.oldrev !== undefined) attributes.oldrev = input.oldrev;
    if (input.project !== undefined) payload.project = { ...payload.project, path_with_namespace: input.project };
    return this.#signed("Merge Request Hook", payload, true);
  }

  /** A merge request whose source branch holds `edits` on top of main (no request is made). */
  openMergeRequest(source: string, edits: FileEdits, author: Actor): { iid: number; headSha: string } {
    const headSha = this.push(source, edits, author, `Change ${Object.keys(edits).join(", ")}`);
    const existing = this.forge.mergeRequests.find((m) => m.sourceBranch === source);
    if (existing !== undefined) return { iid: existing.iid, headSha };
    const iid = this.forge.mergeRequests.length + 1;
    this.forge.mergeRequests.push({ iid, title: `Change from ${source}`, description: "", sourceBranch: source, targetBranch: "main", state: "opened" });
    return { iid, headSha };
  }

  /**
   * Only the listing of a merge request's notes: what upsertComment sends when gitsync's note
   * already says exactly this (the harness's comment step also expects a write).
   */
  expectNoteListing(iid: number): void {
    const path = `/api/v4/projects/${encodeURIComponent(this.repository)}/merge_requests/${iid}/notes`;
    nock("https://gitlab.example.test")
      .get(path)
      .query(true)
      .reply(200, () => (this.forge.notes.get(iid) ?? []).map((n) => ({ ...NOTE, id: n.id, body: n.body, system: n.system, noteable_iid: iid })));
  }

  head(branch: string): string | null {
    return this.forge.branches.get(branch) ?? null;
  }

  files(sha: string): Record<string, string> {
    return textMap(this.forge.commit(sha).files);
  }

  commitInfo(sha: string): { author: string; message: string; parents: string[] } {
    const c = this.forge.commit(sha);
    return { author: `${c.authorName} <${c.authorEmail}>`, message: c.message, parents: c.parentIds };
  }

  pulls() {
    return this.forge.mergeRequests.map((m) => ({
      number: m.iid,
      title: m.title,
      body: m.description,
      head: m.sourceBranch,
      base: m.targetBranch,
      state: m.state,
    }));
  }

  checkState(sha: string): "running" | "success" | "failure" | null {
    const latest = this.forge.statuses.filter((s) => s.sha === sha && s.name === "gitsync").at(-1);
    if (latest === undefined) return null;
    return latest.state === "failed" ? "failure" : latest.state === "success" ? "success" : "running";
  }

  annotations(): { path: string; line: number; summary: string }[] {
    return [];
  }

  #signed(event: string, payload: Json, valid: boolean): WebhookRequest {
    const uuid = randomUUID();
    return {
      headers: {
        "content-type": "application/json",
        "x-gitlab-event": event,
        "x-gitlab-token": valid ? this.#secret : "not-the-secret",
        "x-gitlab-event-uuid": uuid,
        "idempotency-key": uuid,
      },
      rawBody: Buffer.from(JSON.stringify(payload)),
    };
  }
}
