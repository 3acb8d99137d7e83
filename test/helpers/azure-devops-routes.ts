/**
 * The Azure DevOps REST routes gitsync may call, as Microsoft's Git reference (api-version 7.1)
 * describes them: path, api-version, allowed and required query parameters, and the body's
 * fields. Hand-kept from the reference pages named in fixtures/azure-devops/README.md; the
 * contract harness checks every request against it and refuses (and reports) any other.
 */

type Body = unknown;
type Problems = string[];

interface RouteSpec {
  name: string;
  method: "GET" | "POST" | "PATCH";
  /** The path below `{collection}/{project}/_apis/git/repositories/{repository}/`, decoded. */
  path: RegExp;
  version: string;
  required?: string[];
  allowed: string[];
  /** Allowed values of some query parameters. */
  values?: Record<string, RegExp>;
  body?: (body: Body, problems: Problems) => void;
}

const OBJECT_ID = /^[0-9a-f]{40}$/;
const VERSION_QUERY = ["versionDescriptor.version", "versionDescriptor.versionType", "versionDescriptor.versionOptions"];
const VERSION_TYPES = { "versionDescriptor.versionType": /^(branch|tag|commit)$/i };
const RECURSION = /^(none|oneLevel|oneLevelPlusNestedEmptyFolders|full)$/i;

function object(value: Body, where: string, problems: Problems): Record<string, unknown> | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${where} should be an object`);
    return null;
  }
  return value as Record<string, unknown>;
}

function only(value: Record<string, unknown>, keys: string[], where: string, problems: Problems): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) problems.push(`${where}.${key} is not a field of the request body`);
}

function oneOf(value: unknown, allowed: string[], where: string, problems: Problems): void {
  if (typeof value !== "string" || !allowed.includes(value)) problems.push(`${where} must be one of ${allowed.join(", ")}`);
}

function gitUser(value: unknown, where: string, problems: Problems): void {
  const user = object(value, where, problems);
  if (user === null) return;
  only(user, ["name", "email", "date", "imageUrl"], where, problems);
  if (typeof user["name"] !== "string" || typeof user["email"] !== "string") problems.push(`${where} needs name and email`);
}

function pushBody(body: Body, problems: Problems): void {
  const push = object(body, "push", problems);
  if (push === null) return;
  only(push, ["refUpdates", "commits", "repository"], "push", problems);
  const refs = push["refUpdates"];
  if (!Array.isArray(refs) || refs.length !== 1) problems.push("push.refUpdates should hold one ref update");
  for (const ref of Array.isArray(refs) ? refs : []) {
    const r = object(ref, "push.refUpdates[]", problems);
    if (r === null) continue;
    only(r, ["name", "oldObjectId"], "push.refUpdates[]", problems);
    if (typeof r["name"] !== "string" || !String(r["name"]).startsWith("refs/heads/")) problems.push("push.refUpdates[].name should be refs/heads/...");
    if (!OBJECT_ID.test(String(r["oldObjectId"]))) problems.push("push.refUpdates[].oldObjectId should be a 40-hex object id");
  }
  const commits = push["commits"];
  if (!Array.isArray(commits) || commits.length !== 1) problems.push("push.commits should hold one commit");
  for (const commit of Array.isArray(commits) ? commits : []) {
    const c = object(commit, "push.commits[]", problems);
    if (c === null) continue;
    only(c, ["comment", "author", "committer", "parents", "changes"], "push.commits[]", problems);
    if (typeof c["comment"] !== "string") problems.push("push.commits[].comment should be a string");
    gitUser(c["author"], "push.commits[].author", problems);
    if (c["committer"] !== undefined) gitUser(c["committer"], "push.commits[].committer", problems);
    if (c["parents"] !== undefined && (!Array.isArray(c["parents"]) || !c["parents"].every((p) => OBJECT_ID.test(String(p))))) {
      problems.push("push.commits[].parents should be object ids");
    }
    const changes = c["changes"];
    if (!Array.isArray(changes) || changes.length === 0) problems.push("push.commits[].changes should not be empty");
    for (const change of Array.isArray(changes) ? changes : []) pushChange(change, problems);
  }
}

function pushChange(change: unknown, problems: Problems): void {
  const c = object(change, "change", problems);
  if (c === null) return;
  only(c, ["changeType", "item", "newContent", "sourceServerItem"], "change", problems);
  oneOf(c["changeType"], ["add", "edit", "delete", "rename"], "change.changeType", problems);
  const item = object(c["item"], "change.item", problems);
  if (item !== null && (typeof item["path"] !== "string" || !item["path"].startsWith("/"))) problems.push("change.item.path should start with /");
  if (c["changeType"] === "delete") {
    if (c["newContent"] !== undefined) problems.push("a delete carries no newContent");
    return;
  }
  const content = object(c["newContent"], "change.newContent", problems);
  if (content === null) return;
  only(content, ["content", "contentType"], "change.newContent", problems);
  oneOf(content["contentType"], ["rawtext", "base64encoded"], "change.newContent.contentType", problems);
}

function refUpdatesBody(body: Body, problems: Problems): void {
  if (!Array.isArray(body) || body.length === 0) return void problems.push("ref updates should be a non-empty array");
  for (const update of body) {
    const u = object(update, "ref update", problems);
    if (u === null) continue;
    only(u, ["name", "oldObjectId", "newObjectId", "isLocked", "repositoryId"], "ref update", problems);
    if (!OBJECT_ID.test(String(u["oldObjectId"])) || !OBJECT_ID.test(String(u["newObjectId"]))) problems.push("ref update object ids should be 40-hex");
  }
}

function statusBody(body: Body, problems: Problems): void {
  const s = object(body, "status", problems);
  if (s === null) return;
  only(s, ["state", "description", "context", "targetUrl", "iterationId", "properties"], "status", problems);
  oneOf(s["state"], ["notSet", "pending", "succeeded", "failed", "error", "notApplicable"], "status.state", problems);
  const context = object(s["context"], "status.context", problems);
  if (context !== null) {
    only(context, ["genre", "name"], "status.context", problems);
    if (typeof context["name"] !== "string" || context["name"] === "") problems.push("status.context.name is required");
  }
}

const THREAD_STATUS = ["unknown", "active", "fixed", "wontFix", "closed", "byDesign", "pending"];

function commentFields(value: unknown, where: string, problems: Problems): void {
  const c = object(value, where, problems);
  if (c === null) return;
  only(c, ["parentCommentId", "content", "commentType"], where, problems);
  if (typeof c["content"] !== "string") problems.push(`${where}.content should be a string`);
  if (c["commentType"] !== undefined) oneOf(c["commentType"], ["unknown", "text", "codeChange", "system"], `${where}.commentType`, problems);
}

function threadBody(body: Body, problems: Problems): void {
  const t = object(body, "thread", problems);
  if (t === null) return;
  only(t, ["comments", "status", "threadContext", "properties"], "thread", problems);
  if (!Array.isArray(t["comments"]) || t["comments"].length === 0) problems.push("thread.comments should hold the first comment");
  for (const comment of Array.isArray(t["comments"]) ? t["comments"] : []) commentFields(comment, "thread.comments[]", problems);
  if (t["status"] !== undefined) oneOf(t["status"], THREAD_STATUS, "thread.status", problems);
  if (t["threadContext"] === undefined) return;
  const context = object(t["threadContext"], "thread.threadContext", problems);
  if (context === null) return;
  only(context, ["filePath", "rightFileStart", "rightFileEnd", "leftFileStart", "leftFileEnd"], "thread.threadContext", problems);
  if (typeof context["filePath"] !== "string" || !context["filePath"].startsWith("/")) problems.push("thread.threadContext.filePath should start with /");
  for (const end of ["rightFileStart", "rightFileEnd"]) {
    const position = object(context[end], `thread.threadContext.${end}`, problems);
    if (position === null) continue;
    only(position, ["line", "offset"], `thread.threadContext.${end}`, problems);
    if (!(Number(position["line"]) >= 1) || !(Number(position["offset"]) >= 1)) problems.push(`thread.threadContext.${end} line and offset start at 1`);
  }
}

function threadUpdateBody(body: Body, problems: Problems): void {
  const t = object(body, "thread update", problems);
  if (t === null) return;
  only(t, ["status", "comments", "properties"], "thread update", problems);
  if (t["status"] !== undefined) oneOf(t["status"], THREAD_STATUS, "thread update.status", problems);
}

function pullRequestBody(body: Body, problems: Problems): void {
  const pr = object(body, "pull request", problems);
  if (pr === null) return;
  only(pr, ["sourceRefName", "targetRefName", "title", "description", "reviewers", "isDraft", "workItemRefs", "labels"], "pull request", problems);
  for (const key of ["sourceRefName", "targetRefName"]) if (!String(pr[key]).startsWith("refs/heads/")) problems.push(`pull request.${key} should be refs/heads/...`);
  if (typeof pr["title"] !== "string" || pr["title"] === "") problems.push("pull request.title is required");
  if (typeof pr["description"] === "string" && pr["description"].length > 4000) problems.push("pull request.description is longer than 4,000 characters");
}

const SEARCH = ["creatorId", "includeLinks", "repositoryId", "reviewerId", "sourceRefName", "sourceRepositoryId", "status", "targetRefName"].map((k) => `searchCriteria.${k}`);

export const AZURE_ROUTES: RouteSpec[] = [
  // The repository itself (its API root) and the collection's security service.
  { name: "Repositories - Get Repository", method: "GET", path: /^$/, version: "7.1", allowed: ["includeParent"] },
  {
    name: "Permissions - Has Permissions",
    method: "GET",
    path: /^@collection\/permissions\/2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87\/\d+$/i,
    version: "7.1",
    required: ["tokens"],
    allowed: ["tokens", "alwaysAllowAdministrators", "delimiter"],
    values: { tokens: /^repoV2\/[0-9a-f-]{36}\/[0-9a-f-]{36}(\/refs\/heads(\/[0-9a-f]+)+\/?)?$/ },
  },
  { name: "Refs - List", method: "GET", path: /^refs$/i, version: "7.1", allowed: ["filter", "includeLinks", "includeStatuses", "includeMyBranches", "latestStatusesOnly", "peelTags", "filterContains", "$top", "continuationToken"] },
  { name: "Refs - Update Refs", method: "POST", path: /^refs$/i, version: "7.1", allowed: ["projectId"], body: refUpdatesBody },
  { name: "Commits - Get", method: "GET", path: /^commits\/[0-9a-f]{40}$/i, version: "7.1", allowed: ["changeCount"] },
  {
    name: "Items - Get (zip)",
    method: "GET",
    path: /^items$/i,
    version: "7.1",
    required: ["path", "$format"],
    allowed: ["path", "scopePath", "recursionLevel", "includeContentMetadata", "latestProcessedChange", "download", "$format", "includeContent", "resolveLfs", "sanitize", ...VERSION_QUERY],
    values: { $format: /^zip$/, recursionLevel: RECURSION, ...VERSION_TYPES },
  },
  {
    name: "Items - List",
    method: "GET",
    path: /^items$/i,
    version: "7.1",
    required: ["scopePath"],
    allowed: ["scopePath", "recursionLevel", "includeContentMetadata", "latestProcessedChange", "download", "includeLinks", "$format", "zipForUnix", ...VERSION_QUERY],
    values: { recursionLevel: RECURSION, $format: /^json$/, ...VERSION_TYPES },
  },
  { name: "Pushes - Create", method: "POST", path: /^pushes$/i, version: "7.1", allowed: [], body: pushBody },
  {
    name: "Diffs - Get",
    method: "GET",
    path: /^diffs\/commits$/i,
    version: "7.1",
    required: ["baseVersion", "targetVersion"],
    allowed: ["baseVersion", "baseVersionType", "baseVersionOptions", "targetVersion", "targetVersionType", "targetVersionOptions", "diffCommonCommit", "$top", "$skip"],
    values: { baseVersionType: /^(branch|tag|commit)$/i, targetVersionType: /^(branch|tag|commit)$/i, diffCommonCommit: /^(true|false)$/ },
  },
  { name: "Merge Bases - List", method: "GET", path: /^commits\/[0-9a-f]{40}\/mergebases$/i, version: "7.1-preview.1", required: ["otherCommitId"], allowed: ["otherCommitId", "otherCollectionId", "otherRepositoryId"] },
  { name: "Pull Requests - Get Pull Requests", method: "GET", path: /^pullrequests$/i, version: "7.1", allowed: [...SEARCH, "maxCommentLength", "$skip", "$top"], values: { "searchCriteria.status": /^(abandoned|active|all|completed|notSet)$/ } },
  { name: "Pull Requests - Create", method: "POST", path: /^pullrequests$/i, version: "7.1", allowed: ["supportsIterations"], body: pullRequestBody },
  { name: "Pull Requests - Get Pull Request", method: "GET", path: /^pullrequests\/\d+$/i, version: "7.1", allowed: ["maxCommentLength", "$skip", "$top", "includeCommits", "includeWorkItemRefs"] },
  { name: "Pull Request Statuses - Create", method: "POST", path: /^pullrequests\/\d+\/statuses$/i, version: "7.1", allowed: [], body: statusBody },
  { name: "Statuses - Create", method: "POST", path: /^commits\/[0-9a-f]{40}\/statuses$/i, version: "7.1", allowed: [], body: statusBody },
  { name: "Pull Request Threads - List", method: "GET", path: /^pullrequests\/\d+\/threads$/i, version: "7.1", allowed: ["$iteration", "$baseIteration"] },
  { name: "Pull Request Threads - Create", method: "POST", path: /^pullrequests\/\d+\/threads$/i, version: "7.1", allowed: [], body: threadBody },
  { name: "Pull Request Threads - Update", method: "PATCH", path: /^pullrequests\/\d+\/threads\/\d+$/i, version: "7.1", allowed: [], body: threadUpdateBody },
  {
    name: "Pull Request Thread Comments - Update",
    method: "PATCH",
    path: /^pullrequests\/\d+\/threads\/\d+\/comments\/\d+$/i,
    version: "7.1",
    allowed: [],
    body: (body, problems) => commentFields(body, "comment", problems),
  },
];

/**
 * Null when the reference allows the request; else why not. `path` is the part below the
 * repository's API root, decoded ("" for the root itself; `@collection/...` for a route below
 * the collection's `_apis/`); the query is the request's own.
 */
export function checkAzureRequest(method: string, path: string, query: URLSearchParams, body: Body): string | null {
  const candidates = AZURE_ROUTES.filter((r) => r.method === method && r.path.test(path));
  if (candidates.length === 0) return `${method} ${path}: no such route in the reference`;
  const reasons: string[] = [];
  for (const route of candidates) {
    const problems: Problems = [];
    if (query.get("api-version") !== route.version) problems.push(`api-version should be ${route.version}, was ${query.get("api-version")}`);
    for (const key of query.keys()) if (key !== "api-version" && !route.allowed.includes(key)) problems.push(`query parameter ${key} is not allowed`);
    for (const key of route.required ?? []) if (!query.has(key)) problems.push(`query parameter ${key} is required`);
    for (const [key, pattern] of Object.entries(route.values ?? {})) {
      const value = query.get(key);
      if (value !== null && !pattern.test(value)) problems.push(`query parameter ${key}=${value} is not an allowed value`);
    }
    if (route.body) route.body(body, problems);
    else if (body !== undefined && body !== "" && !(typeof body === "object" && body !== null && Object.keys(body).length === 0)) problems.push("this route takes no body");
    if (problems.length === 0) return null;
    reasons.push(`${route.name}: ${problems.join("; ")}`);
  }
  return `${method} ${path}: ${reasons.join(" | ")}`;
}
