import { createHmac, timingSafeEqual } from "node:crypto";
import { GitsyncError, type PullRequestAction, type ProviderEvent, type WebhookReceiver, type WebhookRequest } from "../../core/index.js";
import { webhookReceiver } from "../kit/index.js";
import type { z } from "zod";
import { PullRequestPayload, PushPayload, read } from "./schema.js";

/**
 * Bitbucket Cloud webhooks: `X-Hub-Signature: sha256=<hex HMAC of the raw body>`, the event in
 * `X-Event-Key`, the delivery in `X-Request-UUID` (`X-Hook-UUID` names the hook, the same for
 * every delivery, so it cannot deduplicate). Push payloads carry no file list.
 */

const ZERO_SHA = "0".repeat(40);

function header(request: WebhookRequest, name: string): string | null {
  const value = request.headers[name] ?? request.headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" && first !== "" ? first : null;
}

export function signBody(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Throws `bad_signature` unless the signature is the body's HMAC under the secret (constant time). */
export function verifySignature(request: WebhookRequest, secret: string): void {
  const given = header(request, "x-hub-signature");
  const expected = Buffer.from(signBody(request.rawBody, secret));
  const actual = Buffer.from(given ?? "");
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time the same.
  const same = actual.length === expected.length ? timingSafeEqual(actual, expected) : (timingSafeEqual(expected, expected), false);
  if (!same) {
    throw new GitsyncError("bad_signature", given === null ? "bitbucket webhook: missing X-Hub-Signature" : "bitbucket webhook: signature does not match", {
      provider: "bitbucket",
    });
  }
}

const PR_ACTIONS: Record<string, PullRequestAction> = {
  "pullrequest:created": "opened",
  "pullrequest:updated": "updated",
  "pullrequest:fulfilled": "merged",
  "pullrequest:rejected": "closed",
};

function parseJson(request: WebhookRequest): unknown {
  try {
    return JSON.parse(request.rawBody.toString("utf8"));
  } catch {
    throw new GitsyncError("bad_request", "bitbucket webhook: body is not JSON", { provider: "bitbucket" });
  }
}


/** Verifies first, then normalises `repo:push` and pull request events; anything else → null. */
export function parseBitbucketWebhook(request: WebhookRequest, secret: string): ProviderEvent | null {
  verifySignature(request, secret);
  const event = header(request, "x-event-key");
  const deliveryId = header(request, "x-request-uuid");
  if (event === null) throw new GitsyncError("bad_request", "bitbucket webhook: missing X-Event-Key", { provider: "bitbucket" });
  if (event !== "repo:push" && !(event in PR_ACTIONS)) return null;
  if (deliveryId === null) throw new GitsyncError("bad_request", "bitbucket webhook: missing X-Request-UUID", { provider: "bitbucket" });
  const payload = parseJson(request);
  const context = `webhook ${event}`;
  return event === "repo:push" ? pushEvent(deliveryId, read(PushPayload, payload, context)) : pullRequestEvent(deliveryId, event, read(PullRequestPayload, payload, context));
}

function pushEvent(deliveryId: string, payload: z.output<typeof PushPayload>): ProviderEvent | null {
  // One push event per branch: the first branch update wins; tags and branch deletions are not synced.
  const change = payload.push.changes.find((c) => c.new?.type === "branch");
  if (change?.new === undefined || change.new === null) return null;
  return {
    kind: "push",
    provider: "bitbucket",
    deliveryId,
    repository: payload.repository.full_name,
    branch: change.new.name,
    before: change.old?.target.hash ?? ZERO_SHA,
    after: change.new.target.hash,
    forced: change.forced === true,
    pusher: null,
    changedPaths: null,
  };
}

function pullRequestEvent(deliveryId: string, event: string, payload: z.output<typeof PullRequestPayload>): ProviderEvent {
  const pr = payload.pullrequest;
  return {
    kind: "pull_request",
    provider: "bitbucket",
    deliveryId,
    repository: payload.repository.full_name,
    action: PR_ACTIONS[event] as PullRequestAction,
    number: pr.id,
    head: pr.source.branch.name,
    headSha: pr.source.commit.hash,
    base: pr.destination.branch.name,
    baseSha: pr.destination.commit?.hash ?? null,
  };
}

/** Bitbucket's receiver: X-Hub-Signature (HMAC-SHA256 of the body) with the webhook's secret. */
export function bitbucketWebhookReceiver(secret: string): WebhookReceiver {
  return webhookReceiver("bitbucket", secret, parseBitbucketWebhook);
}
