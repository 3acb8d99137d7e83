import { verify } from "@octokit/webhooks-methods";
import type { Actor, ProviderEvent, PullRequestAction, PullRequestEvent, PushEvent, WebhookReceiver, WebhookRequest } from "../../core/index.js";
import { webhookReceiver } from "../kit/index.js";
import { GitsyncError } from "../../core/index.js";
import type { z } from "zod";
import { PayloadPullRequest, PullRequestPayload, PushPayload, read, RerequestedPayload } from "./schema.js";

const ZERO_SHA = /^0{40}$/;
/** Older push payloads listed 20 commits at most; beyond that the file lists are incomplete. */
const PUSH_COMMIT_LIST_LIMIT = 20;

function header(request: WebhookRequest, name: string): string | null {
  const value = request.headers[name] ?? request.headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" && first !== "" ? first : null;
}

/** Verifies X-Hub-Signature-256 (HMAC-SHA256, compared in constant time). */
export async function verifySignature(secret: string, request: WebhookRequest): Promise<void> {
  const signature = header(request, "x-hub-signature-256");
  if (signature === null) throw new GitsyncError("bad_signature", "GitHub webhook: the X-Hub-Signature-256 header is missing");
  let ok = false;
  try {
    ok = await verify(secret, request.rawBody.toString("utf8"), signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new GitsyncError("bad_signature", "GitHub webhook: the X-Hub-Signature-256 signature does not match the body");
}

type PushPayload = z.output<typeof PushPayload>;
type PullRequestPayload = z.output<typeof PayloadPullRequest>;

function pusherOf(payload: PushPayload): Actor | null {
  const name = payload.pusher?.name;
  if (name === undefined || name === null) return null;
  // GitHub leaves the email out when the pusher keeps it private; its noreply address stands in.
  return { name, email: payload.pusher?.email ?? `${name}@users.noreply.github.com` };
}

/** The union of the commits' file lists, or null when the payload may not list every file. */
function changedPaths(payload: PushPayload, created: boolean, forced: boolean): string[] | null {
  if (created || forced) return null;
  const commits = payload.commits ?? [];
  if (commits.length === 0 || commits.length >= PUSH_COMMIT_LIST_LIMIT) return null;
  const paths = new Set<string>();
  for (const commit of commits) for (const path of [...(commit.added ?? []), ...(commit.removed ?? []), ...(commit.modified ?? [])]) paths.add(path);
  return [...paths].sort();
}

function pushEvent(deliveryId: string, raw: unknown): PushEvent | null {
  const payload = read(PushPayload, raw, "push payload");
  // Tags and branch deletions change no configuration.
  if (!payload.ref.startsWith("refs/heads/")) return null;
  if (ZERO_SHA.test(payload.after) || payload.deleted === true) return null;
  const created = payload.created === true || ZERO_SHA.test(payload.before);
  const forced = payload.forced === true;
  return {
    kind: "push",
    provider: "github",
    deliveryId,
    repository: payload.repository.full_name,
    branch: payload.ref.slice("refs/heads/".length),
    before: payload.before,
    after: payload.after,
    forced,
    pusher: pusherOf(payload),
    changedPaths: changedPaths(payload, created, forced),
  };
}

/** pull_request payloads and check re-runs describe the pull request the same way. */
function pullRequestOf(deliveryId: string, repository: string, pr: PullRequestPayload, action: PullRequestAction): PullRequestEvent {
  return {
    kind: "pull_request",
    provider: "github",
    deliveryId,
    repository,
    action,
    number: pr.number,
    head: pr.head.ref,
    headSha: pr.head.sha,
    base: pr.base.ref,
    baseSha: pr.base.sha ?? null,
  };
}

function pullRequestEvent(deliveryId: string, raw: unknown): PullRequestEvent | null {
  const payload = read(PullRequestPayload, raw, "pull_request payload");
  const { action, pull_request: pr } = payload;
  let mapped: PullRequestAction;
  if (action === "opened" || action === "reopened") mapped = action;
  else if (action === "synchronize") mapped = "updated";
  else if (action === "closed") mapped = pr.merged === true ? "merged" : "closed";
  else return null;
  return pullRequestOf(deliveryId, payload.repository.full_name, pr, mapped);
}

/**
 * "Re-run" on gitsync's check (check_run) or "Re-run all checks" on its suite (check_suite)
 * asks for the pull request's check again; both carry the pull requests the same way.
 */
function rerequestedEvent(name: "check_run" | "check_suite", deliveryId: string, raw: unknown): PullRequestEvent | null {
  const payload = read(RerequestedPayload, raw, `${name} payload`);
  if (payload.action !== "rerequested") return null;
  const first = (name === "check_run" ? payload.check_run : payload.check_suite)?.pull_requests?.[0];
  if (first === undefined) return null;
  return pullRequestOf(deliveryId, payload.repository.full_name, first, "rerequested");
}

/** Verifies first, then normalises push, pull_request and check re-runs; others → null. */
export async function parseGitHubWebhook(secret: string, request: WebhookRequest): Promise<ProviderEvent | null> {
  await verifySignature(secret, request);
  const event = header(request, "x-github-event");
  const deliveryId = header(request, "x-github-delivery");
  if (event === null) throw new GitsyncError("bad_request", "GitHub webhook: the X-GitHub-Event header is missing");
  if (deliveryId === null) throw new GitsyncError("bad_request", "GitHub webhook: the X-GitHub-Delivery header is missing");
  if (!HANDLED.has(event)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(request.rawBody.toString("utf8"));
  } catch {
    throw new GitsyncError("bad_request", `GitHub webhook: the ${event} body is not JSON`);
  }
  return normalizeGitHubEvent({ name: event, id: deliveryId, payload });
}

const HANDLED = new Set(["push", "pull_request", "check_run", "check_suite"]);

/**
 * Normalises an event whose signature was already verified (Probot verifies before its
 * handlers run): push, pull_request, and check_run / check_suite re-runs; anything else → null.
 */
export function normalizeGitHubEvent(event: { name: string; id: string; payload: unknown }): ProviderEvent | null {
  if (!HANDLED.has(event.name)) return null;
  if (event.name === "push") return pushEvent(event.id, event.payload);
  if (event.name === "pull_request") return pullRequestEvent(event.id, event.payload);
  return rerequestedEvent(event.name === "check_suite" ? "check_suite" : "check_run", event.id, event.payload);
}

/** GitHub's receiver: X-Hub-Signature-256 with the App's (or repository webhook's) secret. */
export function githubWebhookReceiver(secret: string): WebhookReceiver {
  return webhookReceiver("github", secret, (request, key) => parseGitHubWebhook(key, request));
}
