import { createHash, timingSafeEqual } from "node:crypto";
import { GitsyncError, type PullRequestAction, type ProviderEvent, type WebhookReceiver, type WebhookRequest } from "../../core/index.js";
import { webhookReceiver } from "../kit/index.js";
import type { z } from "zod";
import { MergeRequestPayload, PushPayload, read, WebhookPayload } from "./schema.js";

/**
 * GitLab sends the webhook's secret token verbatim in X-Gitlab-Token (no HMAC). Both sides are
 * hashed first so the comparison takes the same time whatever the lengths.
 */
export function verifyGitLabToken(request: WebhookRequest, secret: string): void {
  const given = header(request, "x-gitlab-token");
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  if (given === undefined || !timingSafeEqual(digest(given), digest(secret))) {
    throw new GitsyncError("bad_signature", "GitLab webhook rejected: X-Gitlab-Token is missing or wrong");
  }
}

function header(request: WebhookRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Idempotency-Key stays the same when GitLab retries a delivery, so it deduplicates retries;
 * X-Gitlab-Event-UUID identifies the event on GitLab versions that do not send the key.
 */
function deliveryId(request: WebhookRequest): string {
  const id = header(request, "idempotency-key") ?? header(request, "x-gitlab-event-uuid");
  if (id !== undefined && id !== "") return id;
  return `body-sha256-${createHash("sha256").update(request.rawBody).digest("hex")}`;
}

const MR_ACTIONS: Record<string, PullRequestAction> = {
  open: "opened",
  update: "updated",
  reopen: "reopened",
  close: "closed",
  merge: "merged",
};

/** Verifies, then normalises Push Hook and Merge Request Hook payloads; other events → null. */
export function parseGitLabWebhook(request: WebhookRequest, secret: string): ProviderEvent | null {
  verifyGitLabToken(request, secret);
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString("utf8"));
  } catch {
    throw new GitsyncError("bad_request", "GitLab webhook body is not JSON");
  }
  try {
    const kind = read(WebhookPayload, body, "webhook payload").object_kind;
    if (kind === "push") return pushEvent(request, read(PushPayload, body, "push webhook"));
    if (kind === "merge_request") return mergeRequestEvent(request, read(MergeRequestPayload, body, "merge request webhook"));
    return null;
  } catch (error) {
    // A payload not shaped as GitLab documents it is the sender's mistake, not GitLab's API.
    if (error instanceof GitsyncError) throw new GitsyncError("bad_request", error.message, error.details);
    throw error;
  }
}

function pushEvent(request: WebhookRequest, payload: z.output<typeof PushPayload>): ProviderEvent | null {
  if (!payload.ref.startsWith("refs/heads/")) return null;
  const { user_name: userName, user_email: userEmail } = payload;
  return {
    kind: "push",
    provider: "gitlab",
    deliveryId: deliveryId(request),
    repository: payload.project.path_with_namespace,
    branch: payload.ref.slice("refs/heads/".length),
    before: payload.before,
    after: payload.after,
    // GitLab's push payload does not say whether the push was forced; inbound re-checks ancestry.
    forced: false,
    pusher:
      typeof userName === "string" && typeof userEmail === "string" && userEmail !== "" && userEmail !== "[REDACTED]"
        ? { name: userName, email: userEmail }
        : null,
    // Push payloads list at most 20 commits: changed files always come from compare.
    changedPaths: null,
  };
}

function mergeRequestEvent(request: WebhookRequest, payload: z.output<typeof MergeRequestPayload>): ProviderEvent | null {
  const attributes = payload.object_attributes;
  const action = MR_ACTIONS[String(attributes.action)];
  if (action === undefined) return null;
  return {
    kind: "pull_request",
    provider: "gitlab",
    deliveryId: deliveryId(request),
    repository: payload.project.path_with_namespace,
    action,
    number: attributes.iid,
    head: attributes.source_branch,
    headSha: attributes.last_commit.id,
    base: attributes.target_branch,
    baseSha: null,
  };
}

/** GitLab's receiver: X-Gitlab-Token checked against the project webhook's secret token. */
export function gitlabWebhookReceiver(secret: string): WebhookReceiver {
  return webhookReceiver("gitlab", secret, parseGitLabWebhook);
}
