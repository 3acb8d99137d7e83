import { verify } from "@octokit/webhooks-methods";
import type { Actor, ProviderEvent, PullRequestAction, PullRequestEvent, PushEvent, WebhookReceiver, WebhookRequest } from "../../core/index.js";
import { webhookReceiver } from "../kit/index.js";
import { GitsyncError } from "../../core/index.js";
import { arr, bool, child, type Json, num, obj, optStr, str } from "./shape.js";

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

function pusherOf(payload: Json): Actor | null {
  const pusher = payload.pusher;
  if (typeof pusher !== "object" || pusher === null) return null;
  const p = pusher as Json;
  const name = optStr("push payload", p, "name");
  if (name === null) return null;
  // GitHub leaves the email out when the pusher keeps it private; its noreply address stands in.
  const email = optStr("push payload", p, "email") ?? `${name}@users.noreply.github.com`;
  return { name, email };
}

/** The union of the commits' file lists, or null when the payload may not list every file. */
function changedPaths(payload: Json, created: boolean, forced: boolean): string[] | null {
  if (created || forced) return null;
  const commits = arr("push payload", payload.commits ?? [], "commits");
  if (commits.length === 0 || commits.length >= PUSH_COMMIT_LIST_LIMIT) return null;
  const paths = new Set<string>();
  commits.forEach((c, i) => {
    const commit = obj("push payload", c, `commits[${i}]`);
    for (const list of ["added", "removed", "modified"]) {
      const entries = commit[list];
      if (entries === undefined) return;
      for (const p of arr("push payload", entries, `commits[${i}].${list}`)) if (typeof p === "string") paths.add(p);
    }
  });
  return [...paths].sort();
}

function pushEvent(deliveryId: string, payload: Json): PushEvent | null {
  const what = "push payload";
  const ref = str(what, payload, "ref");
  // Tags and branch deletions change no configuration.
  if (!ref.startsWith("refs/heads/")) return null;
  const after = str(what, payload, "after");
  if (ZERO_SHA.test(after) || payload.deleted === true) return null;
  const before = str(what, payload, "before");
  const created = payload.created === true || ZERO_SHA.test(before);
  const forced = payload.forced === true;
  return {
    kind: "push",
    provider: "github",
    deliveryId,
    repository: str(what, child(what, payload, "repository"), "full_name"),
    branch: ref.slice("refs/heads/".length),
    before,
    after,
    forced,
    pusher: pusherOf(payload),
    changedPaths: changedPaths(payload, created, forced),
  };
}

/**
 * The event for pull request `pr` of `payload`: pull_request payloads and check_run re-runs
 * describe the pull request the same way.
 */
function pullRequestOf(what: string, deliveryId: string, payload: Json, pr: Json, action: PullRequestAction): PullRequestEvent {
  const head = child(what, pr, "head");
  const base = child(what, pr, "base");
  return {
    kind: "pull_request",
    provider: "github",
    deliveryId,
    repository: str(what, child(what, payload, "repository"), "full_name"),
    action,
    number: num(what, pr, "number"),
    head: str(what, head, "ref"),
    headSha: str(what, head, "sha"),
    base: str(what, base, "ref"),
    baseSha: optStr(what, base, "sha"),
  };
}

function pullRequestEvent(deliveryId: string, payload: Json): PullRequestEvent | null {
  const what = "pull_request payload";
  const action = str(what, payload, "action");
  const pr = child(what, payload, "pull_request");
  let mapped: PullRequestAction;
  if (action === "opened" || action === "reopened") mapped = action;
  else if (action === "synchronize") mapped = "updated";
  else if (action === "closed") mapped = bool(what, pr, "merged") ? "merged" : "closed";
  else return null;
  return pullRequestOf(what, deliveryId, payload, pr, mapped);
}

/**
 * "Re-run" on gitsync's check (check_run) or "Re-run all checks" on its suite (check_suite)
 * asks for the pull request's check again; both carry the pull requests the same way.
 */
function rerequestedEvent(name: "check_run" | "check_suite", deliveryId: string, payload: Json): PullRequestEvent | null {
  const what = `${name} payload`;
  if (str(what, payload, "action") !== "rerequested") return null;
  const subject = child(what, payload, name);
  const first = arr(what, subject.pull_requests ?? [], `${name}.pull_requests`)[0];
  if (first === undefined) return null;
  return pullRequestOf(what, deliveryId, payload, obj(what, first, `${name}.pull_requests[0]`), "rerequested");
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
  const payload = obj(`${event.name} payload`, event.payload);
  if (event.name === "push") return pushEvent(event.id, payload);
  if (event.name === "pull_request") return pullRequestEvent(event.id, payload);
  return rerequestedEvent(event.name === "check_suite" ? "check_suite" : "check_run", event.id, payload);
}

/** GitHub's receiver: X-Hub-Signature-256 with the App's (or repository webhook's) secret. */
export function githubWebhookReceiver(secret: string): WebhookReceiver {
  return webhookReceiver("github", secret, (request, key) => parseGitHubWebhook(key, request));
}
