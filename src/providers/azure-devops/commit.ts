import { BranchMovedError, GitsyncError, type CommitRequest, type CommitResult, type RepoRef } from "../../core/index.js";
import { commonDirectory } from "../kit/paths.js";
import { AzureHttpError } from "./client.js";
import type { AzureContext } from "./context.js";
import { BRANCH_PREFIX, asObject, azurePath, listOf, str } from "./mappers.js";
import { blobIds, gitBlobId, resolveRef } from "./read.js";

/**
 * Commits through the Pushes API: one request whatever the number of files. The ref update's
 * `oldObjectId` is the lock: Azure refuses the push when the branch is not there any more
 * (GitReferenceStaleException, TF401028), and nothing is written.
 */

export const ZERO_ID = "0000000000000000000000000000000000000000";

type PushChange =
  | { changeType: "add" | "edit"; item: { path: string }; newContent: { content: string; contentType: "base64encoded" } }
  | { changeType: "delete"; item: { path: string } };

/** What the commit changes: each file's action chosen from the blob ids at the expected head. */
async function pushChanges(ctx: AzureContext, request: CommitRequest): Promise<PushChange[]> {
  const touched = [...new Set(request.changes.map((c) => c.path))];
  const current = request.expectedHead === "" ? new Map<string, string>() : await currentBlobs(ctx, request, commonDirectory(touched));
  const changes: PushChange[] = [];
  for (const change of request.changes) {
    const existing = current.get(change.path);
    const item = { path: azurePath(change.path) };
    if (change.action === "delete") {
      if (existing !== undefined) changes.push({ changeType: "delete", item });
      continue;
    }
    const bytes = Buffer.from(change.content, "utf8");
    if (existing === gitBlobId(bytes)) continue;
    changes.push({ changeType: existing === undefined ? "add" : "edit", item, newContent: { content: bytes.toString("base64"), contentType: "base64encoded" } });
  }
  return changes;
}

/** Blob ids of the folder at the expected head: from the files just read there, else a listing. */
async function currentBlobs(ctx: AzureContext, request: CommitRequest, directory: string): Promise<Map<string, string>> {
  const kept = ctx.takeNamedRead(request, request.expectedHead, directory);
  if (kept === null) return blobIds(ctx, request, request.expectedHead, directory);
  return new Map([...kept].map(([path, content]) => [path, gitBlobId(content)]));
}

export async function commit(ctx: AzureContext, request: CommitRequest): Promise<CommitResult> {
  const changes = await pushChanges(ctx, request);
  const root = request.expectedHead === "";
  if (changes.length === 0) {
    // No difference: no commit, but a requested branch still starts at the expected head.
    if (request.createBranch === true && !root) await createBranchIfMissing(ctx, request);
    return { sha: null };
  }
  // A branch to create starts from zeros; if it exists already (a retry), it must be at the head.
  const tries = root || request.createBranch !== true ? [root ? ZERO_ID : request.expectedHead] : [ZERO_ID, request.expectedHead];
  for (const oldObjectId of tries) {
    try {
      return { sha: await push(ctx, request, oldObjectId, changes) };
    } catch (error) {
      if (!isStale(error)) throw error;
    }
  }
  throw new BranchMovedError(request.branch, request.expectedHead || null, null);
}

async function push(ctx: AzureContext, request: CommitRequest, oldObjectId: string, changes: PushChange[]): Promise<string> {
  const date = new Date().toISOString();
  const body = {
    refUpdates: [{ name: `${BRANCH_PREFIX}${request.branch}`, oldObjectId }],
    commits: [
      {
        comment: request.message,
        author: { name: request.author.name, email: request.author.email, date },
        committer: { name: request.committer.name, email: request.committer.email, date },
        ...(request.expectedHead === "" ? {} : { parents: [request.expectedHead] }),
        changes,
      },
    ],
  };
  const pushed = asObject(await ctx.client.json<unknown>("POST", `${ctx.api(request)}/pushes`, {}, `push to ${request.branch}`, body), "push");
  const refUpdates = pushed["refUpdates"];
  const update = Array.isArray(refUpdates) ? asObject(refUpdates[0], "push.refUpdates[0]") : null;
  if (update !== null && typeof update["newObjectId"] === "string") return update["newObjectId"];
  const commits = pushed["commits"];
  return str(asObject(Array.isArray(commits) ? commits[0] : undefined, "push.commits[0]"), "commitId", "push.commits[0]");
}

/** Azure's answers to a ref that is not at `oldObjectId` any more. */
function isStale(error: unknown): boolean {
  if (!(error instanceof AzureHttpError)) return false;
  return error.status === 409 || error.typeKey === "GitReferenceStaleException" || /TF401028/.test(error.azureMessage);
}

/** The requested branch at the expected head; one that is there already is left alone. */
async function createBranchIfMissing(ctx: AzureContext, request: CommitRequest): Promise<void> {
  try {
    await createBranch(ctx, request, request.branch, request.expectedHead);
  } catch (error) {
    if (!(error instanceof BranchMovedError)) throw error;
    // The branch exists (a retry): fine at the expected head, moved otherwise.
    const head = await resolveRef(ctx, request, request.branch);
    if (head !== request.expectedHead) throw new BranchMovedError(request.branch, request.expectedHead, head);
  }
}

/** Creates a branch at a commit with one ref update (refs/heads/x from zeros). */
export async function createBranch(ctx: AzureContext, repo: RepoRef, branch: string, sha: string): Promise<void> {
  const body = [{ name: `${BRANCH_PREFIX}${branch}`, oldObjectId: ZERO_ID, newObjectId: sha }];
  const [result] = listOf(await ctx.client.json<unknown>("POST", `${ctx.api(repo)}/refs`, {}, `create branch ${branch}`, body), "ref updates");
  if (result === undefined) throw new GitsyncError("provider_error", `Azure DevOps did not answer for the new branch ${branch}`);
  if (result["success"] !== true) {
    const status = String(result["updateStatus"] ?? "failed");
    if (status === "staleOldObjectId") throw new BranchMovedError(branch, sha, null);
    throw new GitsyncError("provider_error", `Azure DevOps refused to create branch ${branch}: ${status}`);
  }
}
