import { createHash, timingSafeEqual } from "node:crypto";
import { GitsyncError, type ProviderEvent, type PullRequestAction, type WebhookReceiver, type WebhookRequest } from "../../core/index.js";
import { BRANCH_PREFIX, asObject, branchOf, int, str, type Json } from "./mappers.js";
import { organizationFromRemoteUrl } from "./naming.js";

/**
 * Service hooks (`git.push`, `git.pullrequest.created`, `git.pullrequest.updated`), verified by
 * the basic-auth user name and password set on the subscription. Both sides are hashed before
 * the constant-time comparison, so neither the length nor the content leaks through timing.
 */

export interface WebhookCredentials {
  user: string;
  password: string;
}

function header(request: WebhookRequest, name: string): string | undefined {
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

export function verifyBasicAuth(request: WebhookRequest, credentials: WebhookCredentials): void {
  const given = header(request, "authorization") ?? "";
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(given.trim());
  const decoded = match ? Buffer.from(match[1] as string, "base64").toString("utf8") : "";
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  const expected = `${credentials.user}:${credentials.password}`;
  if (!timingSafeEqual(digest(decoded), digest(expected)) || match === null) {
    throw new GitsyncError("bad_signature", "Azure DevOps service hook rejected: the basic authentication is missing or wrong");
  }
}

/** Verifies, then normalises the three git events; other event types → null. */
export function parseAzureWebhook(request: WebhookRequest, credentials: WebhookCredentials): ProviderEvent | null {
  verifyBasicAuth(request, credentials);
  let payload: Json;
  try {
    payload = asObject(JSON.parse(request.rawBody.toString("utf8")), "service hook payload");
  } catch {
    throw new GitsyncError("bad_request", "Azure DevOps service hook body is not a JSON object");
  }
  try {
    const type = payload["eventType"];
    if (type === "git.push") return pushEvent(payload);
    if (type === "git.pullrequest.created" || type === "git.pullrequest.updated") return pullRequestEvent(payload, type);
    return null;
  } catch (error) {
    if (error instanceof GitsyncError) throw new GitsyncError("bad_request", error.message, error.details);
    throw error;
  }
}

/** `organization/project/repository` of the resource's repository. */
function repositoryOf(resource: Json, what: string): string {
  const repository = asObject(resource["repository"], `${what}.repository`);
  const project = asObject(repository["project"], `${what}.repository.project`);
  const remoteUrl = str(repository, "remoteUrl", `${what}.repository`);
  const organization = organizationFromRemoteUrl(remoteUrl);
  if (organization === null) throw new GitsyncError("bad_request", `Azure DevOps ${what}.repository: remoteUrl "${remoteUrl}" names no organization`);
  return `${organization}/${str(project, "name", `${what}.repository.project`)}/${str(repository, "name", `${what}.repository`)}`;
}

function pushEvent(payload: Json): ProviderEvent | null {
  const what = "git.push resource";
  const resource = asObject(payload["resource"], what);
  const updates = Array.isArray(resource["refUpdates"]) ? resource["refUpdates"].map((u, i) => asObject(u, `${what}.refUpdates[${i}]`)) : [];
  // One event per push; a push of several branches names the first branch update.
  const update = updates.find((u) => typeof u["name"] === "string" && u["name"].startsWith(BRANCH_PREFIX));
  if (update === undefined) return null;
  const pusher = resource["pushedBy"];
  const by = typeof pusher === "object" && pusher !== null ? (pusher as Json) : {};
  return {
    kind: "push",
    provider: "azure-devops",
    deliveryId: str(payload, "id", "service hook payload"),
    repository: repositoryOf(resource, what),
    branch: branchOf(str(update, "name", `${what}.refUpdates`)),
    before: str(update, "oldObjectId", `${what}.refUpdates`),
    after: str(update, "newObjectId", `${what}.refUpdates`),
    // The payload does not say; inbound checks ancestry itself.
    forced: false,
    pusher: pusherOf(by),
    // The payload lists at most a few commits: changed files always come from the diff.
    changedPaths: null,
  };
}

/** `uniqueName` is an email, sometimes behind a directory prefix (`Windows Live ID\\a@b.com`). */
function pusherOf(by: Json): { name: string; email: string } | null {
  const name = by["displayName"];
  const email = typeof by["uniqueName"] === "string" ? by["uniqueName"].split("\\").pop() : undefined;
  return typeof name === "string" && email !== undefined && /^[^@\s]+@[^@\s]+$/.test(email) ? { name, email } : null;
}

const CLOSED: Record<string, PullRequestAction> = { completed: "merged", abandoned: "closed" };

function pullRequestEvent(payload: Json, type: string): ProviderEvent {
  const what = `${type} resource`;
  const resource = asObject(payload["resource"], what);
  const status = str(resource, "status", what);
  const action: PullRequestAction = CLOSED[status] ?? (type === "git.pullrequest.created" ? "opened" : "updated");
  const commit = (field: string) => {
    const value = resource[field];
    return typeof value === "object" && value !== null && typeof (value as Json)["commitId"] === "string" ? ((value as Json)["commitId"] as string) : null;
  };
  const headSha = commit("lastMergeSourceCommit");
  if (headSha === null) throw new GitsyncError("bad_request", `Azure DevOps ${what}: field "lastMergeSourceCommit.commitId" should be a string`);
  return {
    kind: "pull_request",
    provider: "azure-devops",
    deliveryId: str(payload, "id", "service hook payload"),
    repository: repositoryOf(resource, what),
    action,
    number: int(resource, "pullRequestId", what),
    head: branchOf(str(resource, "sourceRefName", what)),
    headSha,
    base: branchOf(str(resource, "targetRefName", what)),
    baseSha: commit("lastMergeTargetCommit"),
  };
}

/** Azure DevOps' receiver: the service hook's basic-auth user name and password. */
export function azureDevOpsWebhookReceiver(credentials: WebhookCredentials): WebhookReceiver {
  if (credentials.user === "" || credentials.password === "") {
    throw new GitsyncError("config_error", "Azure DevOps service hooks: the user name and password must not be empty");
  }
  return { name: "azure-devops", parseWebhook: async (request) => parseAzureWebhook(request, credentials) };
}
