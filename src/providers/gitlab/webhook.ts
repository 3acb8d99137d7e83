import { createHash, timingSafeEqual } from "node:crypto";
import { GitsyncError, type PullRequestAction, type ProviderEvent, type WebhookReceiver, type WebhookRequest } from "../../core/index.js";
import { webhookReceiver } from "../kit/index.js";
import { asObject, str } from "./mappers.js";

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
  let payload: Record<string, unknown>;
  try {
    payload = asObject(JSON.parse(request.rawBody.toString("utf8")), "webhook payload");
  } catch (error) {
    if (error instanceof GitsyncError) throw new GitsyncError("bad_request", error.message);
    throw new GitsyncError("bad_request", "GitLab webhook body is not JSON");
  }
  try {
    const kind = payload["object_kind"];
    if (kind === "push") return pushEvent(request, payload);
    if (kind === "merge_request") return mergeRequestEvent(request, payload);
    return null;
  } catch (error) {
    if (error instanceof GitsyncError) throw new GitsyncError("bad_request", error.message, error.details);
    throw error;
  }
}

function pushEvent(request: WebhookRequest, payload: Record<string, unknown>): ProviderEvent | null {
  const what = "push webhook";
  const ref = str(payload, "ref", what);
  if (!ref.startsWith("refs/heads/")) return null;
  const project = asObject(payload["project"], "push webhook.project");
  const userName = payload["user_name"];
  const userEmail = payload["user_email"];
  return {
    kind: "push",
    provider: "gitlab",
    deliveryId: deliveryId(request),
    repository: str(project, "path_with_namespace", "push webhook.project"),
    branch: ref.slice("refs/heads/".length),
    before: str(payload, "before", what),
    after: str(payload, "after", what),
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

function mergeRequestEvent(request: WebhookRequest, payload: Record<string, unknown>): ProviderEvent | null {
  const what = "merge request webhook.object_attributes";
  const attributes = asObject(payload["object_attributes"], what);
  const action = MR_ACTIONS[String(attributes["action"])];
  if (action === undefined) return null;
  const project = asObject(payload["project"], "merge request webhook.project");
  const lastCommit = asObject(attributes["last_commit"], `${what}.last_commit`);
  const iid = attributes["iid"];
  if (typeof iid !== "number") throw new GitsyncError("bad_request", `GitLab ${what}: field "iid" should be an integer`);
  return {
    kind: "pull_request",
    provider: "gitlab",
    deliveryId: deliveryId(request),
    repository: str(project, "path_with_namespace", "merge request webhook.project"),
    action,
    number: iid,
    head: str(attributes, "source_branch", what),
    headSha: str(lastCommit, "id", `${what}.last_commit`),
    base: str(attributes, "target_branch", what),
    baseSha: null,
  };
}

/** GitLab's receiver: X-Gitlab-Token checked against the project webhook's secret token. */
export function gitlabWebhookReceiver(secret: string): WebhookReceiver {
  return webhookReceiver("gitlab", secret, parseGitLabWebhook);
}
