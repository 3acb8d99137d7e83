import { createHash } from "node:crypto";
import { COMMENT_MARKER, type CheckAnnotation, type RepoRef } from "../../core/index.js";
import type { AzureContext } from "./context.js";
import { asObject, azurePath, listOf, type Json } from "./mappers.js";

/**
 * Pull request threads: gitsync's one summary thread (found by COMMENT_MARKER, edited in
 * place) and one thread per finding, anchored at its file and line. A finding keeps its thread
 * while it stands; one that is gone is closed on the next completed check.
 */

/** Azure's longest comment, in characters. */
export const COMMENT_LIMIT = 150_000;

interface Thread {
  id: number;
  status: string;
  commentId: number;
  content: string;
}

function threadsUrl(ctx: AzureContext, repo: RepoRef, pullRequest: number): string {
  return `${ctx.api(repo)}/pullRequests/${pullRequest}/threads`;
}

async function listThreads(ctx: AzureContext, repo: RepoRef, pullRequest: number): Promise<Thread[]> {
  const threads = listOf(await ctx.client.json<unknown>("GET", threadsUrl(ctx, repo, pullRequest), {}, "pull request threads"), "pull request threads");
  return threads.flatMap((thread) => {
    const comments = Array.isArray(thread["comments"]) ? thread["comments"] : [];
    const first = comments[0] === undefined ? null : asObject(comments[0], "thread comment");
    if (thread["isDeleted"] === true || first === null || typeof thread["id"] !== "number" || typeof first["id"] !== "number") return [];
    return [{ id: thread["id"], status: String(thread["status"] ?? ""), commentId: first["id"], content: String(first["content"] ?? "") }];
  });
}

export async function upsertSummary(ctx: AzureContext, repo: RepoRef, pullRequest: number, body: string): Promise<void> {
  const marked = body.includes(COMMENT_MARKER) ? body : `${COMMENT_MARKER}\n${body}`;
  const content = marked.length <= COMMENT_LIMIT ? marked : marked.slice(0, COMMENT_LIMIT);
  const ours = (await listThreads(ctx, repo, pullRequest)).find((t) => t.content.includes(COMMENT_MARKER));
  const url = threadsUrl(ctx, repo, pullRequest);
  if (ours === undefined) {
    // No status: a plain comment, which never holds up a "resolve all comments" policy.
    await ctx.client.json("POST", url, {}, "new summary thread", { comments: [{ parentCommentId: 0, content, commentType: "text" }] });
  } else if (ours.content !== content) {
    await ctx.client.json("PATCH", `${url}/${ours.id}/comments/${ours.commentId}`, {}, "summary comment", { content });
  }
}

/** The hidden mark of a finding's thread: the check's name and what the finding says. */
function findingMark(check: string, annotation: CheckAnnotation): string {
  const key = createHash("sha256").update(JSON.stringify([annotation.path, annotation.line, annotation.code, annotation.message])).digest("hex").slice(0, 16);
  return `<!-- gitsync:finding ${encodeURIComponent(check)} ${key} -->`;
}

function findingThread(mark: string, annotation: CheckAnnotation): Json {
  const line = Math.max(1, annotation.line);
  const offset = Math.max(1, annotation.column);
  return {
    comments: [{ parentCommentId: 0, content: `**${annotation.severity}** \`${annotation.code}\`: ${annotation.message}\n\n${mark}`, commentType: "text" }],
    status: "active",
    threadContext: { filePath: azurePath(annotation.path), rightFileStart: { line, offset }, rightFileEnd: { line, offset } },
  };
}

/**
 * Opens a thread per new finding and closes the open ones whose finding is gone. A finding
 * that already has a thread keeps it as it is: one a reviewer resolved is not opened again.
 */
export async function syncFindings(ctx: AzureContext, repo: RepoRef, pullRequest: number, check: string, annotations: CheckAnnotation[]): Promise<void> {
  const prefix = `<!-- gitsync:finding ${encodeURIComponent(check)} `;
  const ours = (await listThreads(ctx, repo, pullRequest)).filter((t) => t.content.includes(prefix));
  const wanted = new Map(annotations.map((a) => [findingMark(check, a), a]));
  const url = threadsUrl(ctx, repo, pullRequest);
  for (const thread of ours) {
    const mark = [...wanted.keys()].find((m) => thread.content.includes(m));
    if (mark !== undefined) wanted.delete(mark);
    else if (thread.status === "active") await ctx.client.json("PATCH", `${url}/${thread.id}`, {}, "stale finding thread", { status: "closed" });
  }
  for (const [mark, annotation] of wanted) await ctx.client.json("POST", url, {}, "finding thread", findingThread(mark, annotation));
}
