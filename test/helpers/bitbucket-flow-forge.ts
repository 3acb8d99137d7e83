import type { Actor, PullRequestAction, WebhookRequest } from "../../src/core/index.js";
import { BitbucketProvider } from "../../src/providers/bitbucket/index.js";
import { BitbucketHarness } from "../contract/bitbucket-harness.js";
import { fixture, signedDelivery } from "../contract/bitbucket-model.js";
import { textMap, toBytes } from "../contract/file-bytes.js";
import type { FileEdits, ForgeAdapter } from "./gitlab-bitbucket-world.js";

/**
 * The Bitbucket Cloud side of the end-to-end tests: the contract harness's in-memory repository
 * (answering through strict nock), a provider with its own webhook secret and token (so tests
 * can sign payloads and look for the token in what was sent), what a person does on Bitbucket
 * (push, merge) and the webhooks Bitbucket sends for it, built on fixtures/bitbucket.
 */

type Json = Record<string, any>;

export const BITBUCKET_WEBHOOK_SECRET = "bitbucket-flows-webhook-secret";
export const BITBUCKET_TOKEN = "bitbucket-flows-token-never-sent-in-a-body";

const PR_EVENTS: Partial<Record<PullRequestAction, string>> = { opened: "pullrequest:created", updated: "pullrequest:updated" };

export class BitbucketFlowForge implements ForgeAdapter {
  readonly name = "bitbucket" as const;
  readonly repository = "acme/config";
  readonly harness = new BitbucketHarness();
  readonly model = this.harness.model;
  /** Built after the fetch recorder is installed: the client keeps the fetch it was given. */
  readonly provider = new BitbucketProvider({
    auth: { token: BITBUCKET_TOKEN },
    webhookSecret: BITBUCKET_WEBHOOK_SECRET,
    retry: { minDelayMs: 1 },
  });

  expect: ForgeAdapter["expect"] = (step) => this.harness.expect(step);

  seed(files: Record<string, string>): Promise<string> {
    return this.harness.seed(files);
  }

  push(branch: string, edits: FileEdits, author: Actor, message: string): string {
    const parent = this.model.branches.get(branch) ?? this.model.branches.get("main");
    if (parent === undefined) throw new Error("seed the forge first");
    const files = { ...(this.model.commits.get(parent)?.files ?? {}) };
    for (const [path, content] of Object.entries(edits)) {
      if (content === null) delete files[path];
      else files[path] = toBytes(content);
    }
    const sha = this.model.addCommit([parent], files, message, `${author.name} <${author.email}>`);
    this.model.branches.set(branch, sha);
    return sha;
  }

  merge(number: number): string {
    const pr = this.model.pulls.get(number);
    if (pr === undefined) throw new Error(`no pull request #${number}`);
    const source = this.model.branches.get(pr.source) as string;
    const target = this.model.branches.get(pr.destination) as string;
    // The snapshot branch starts at the target's head, so the merged tree is the source's.
    const sha = this.model.addCommit(
      [target, source],
      this.model.commits.get(source)?.files ?? {},
      `Merged in ${pr.source} (pull request #${number})\n`,
      "Ada Lovelace <ada@example.com>",
    );
    this.model.branches.set(pr.destination, sha);
    pr.state = "MERGED";
    pr.mergeCommit = sha;
    return sha;
  }

  pushWebhook(input: { branch: string; before: string; after: string; pusher: Actor; validSignature?: boolean }): WebhookRequest {
    const payload = this.model.pushPayload(input);
    payload.actor.display_name = input.pusher.name;
    return this.#signed("repo:push", payload, input.validSignature ?? true);
  }

  /** pullrequest:created / pullrequest:updated, with the 12-character hashes Bitbucket sends. */
  pullRequestWebhook(input: { action: PullRequestAction; id: number; source: string; target: string; headSha: string; repository?: string }): WebhookRequest {
    const event = PR_EVENTS[input.action];
    if (event === undefined) throw new Error(`Bitbucket sends no event for ${input.action}`);
    const payload = fixture("webhook-pullrequest-created");
    const pr = payload.pullrequest as Json;
    pr.id = input.id;
    pr.source.branch.name = input.source;
    pr.source.commit.hash = input.headSha.slice(0, 12);
    pr.destination.branch.name = input.target;
    pr.destination.commit.hash = (this.model.branches.get(input.target) ?? "0".repeat(40)).slice(0, 12);
    if (input.repository !== undefined) payload.repository.full_name = input.repository;
    return this.#signed(event, payload, true);
  }

  /** A pull request whose source branch holds `edits` on top of main (no request is made). */
  openPullRequest(source: string, edits: FileEdits, author: Actor): { id: number; headSha: string } {
    const headSha = this.push(source, edits, author, `Change ${Object.keys(edits).join(", ")}\n`);
    const existing = [...this.model.pulls.values()].find((p) => p.source === source);
    if (existing !== undefined) return { id: existing.id, headSha };
    const id = this.model.nextPullId();
    this.model.pulls.set(id, { id, title: `Change from ${source}`, description: "", source, destination: "main", state: "OPEN" });
    return { id, headSha };
  }

  head(branch: string): string | null {
    return this.model.branches.get(branch) ?? null;
  }

  files(sha: string): Record<string, string> {
    return textMap(Object.entries(this.model.commits.get(sha)?.files ?? {}));
  }

  commitInfo(sha: string): { author: string; message: string; parents: string[] } {
    const c = this.model.commits.get(sha);
    if (c === undefined) throw new Error(`no commit ${sha}`);
    return { author: c.author, message: c.message, parents: c.parents };
  }

  pulls() {
    return [...this.model.pulls.values()].map((p) => ({
      number: p.id,
      title: p.title,
      body: p.description,
      head: p.source,
      base: p.destination,
      state: p.state,
    }));
  }

  checkState(sha: string): "running" | "success" | "failure" | null {
    const status = (this.model.statuses.get(sha) ?? this.model.statuses.get(sha.slice(0, 12)))?.get("gitsync");
    if (status === undefined) return null;
    return status.state === "FAILED" ? "failure" : status.state === "SUCCESSFUL" ? "success" : "running";
  }

  annotations(sha: string): { path: string; line: number; summary: string }[] {
    const report = (this.model.reports.get(sha) ?? this.model.reports.get(sha.slice(0, 12)))?.get("gitsync");
    return [...(report?.annotations.values() ?? [])].map((a) => ({ path: String(a.path), line: Number(a.line), summary: String(a.summary) }));
  }

  #signed(event: string, payload: Json, valid: boolean): WebhookRequest {
    return signedDelivery(event, payload, valid ? BITBUCKET_WEBHOOK_SECRET : "not-the-secret");
  }

}
