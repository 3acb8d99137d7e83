import type { GitConnection, GitProvider, RepoRef, Store } from "../core/index.js";
import { COMMENT_MARKER } from "../core/index.js";
import { truncateMarkdown } from "./plan-markdown.js";

/**
 * gitsync's one comment on a pull request, for providers whose pull request page does not show
 * a check's summary. It is found by its hidden marker; several tenants of one repository share
 * it, a section each, so they never overwrite one another. Where the provider can address a
 * comment by id, the id is kept in the store, so a check updates it without listing the
 * conversation first.
 */

export interface CommentTarget {
  number: number;
  /** The pull request was just opened: gitsync has no comment on it yet. */
  opened?: boolean;
}

export async function postComment(
  store: Store,
  tenant: string,
  provider: GitProvider,
  git: GitConnection,
  pullRequest: CommentTarget,
  sections: { title: string; summary: string }[],
): Promise<void> {
  if (!provider.capabilities.summaryComment || sections.length === 0) return;
  const body = truncateMarkdown(`${COMMENT_MARKER}\n${sections.map((s) => `**${s.title}**\n\n${s.summary}`).join("\n\n---\n\n")}`, provider.capabilities.maxCommentLength);
  const repo: RepoRef = { repository: git.repository };
  if (provider.upsertKeptComment === undefined) return provider.upsertComment(repo, pullRequest.number, body);
  const kept = await store.getPullRequestComment(tenant, pullRequest.number);
  // Kept: its id, or none being made (unknown outcome: list). Not kept: none on a new pull request.
  const known = kept !== null ? (kept.commentId ?? undefined) : pullRequest.opened === true ? null : undefined;
  // Marked before a comment is made without listing: should the result be lost (a crash), the
  // next check lists instead of making a second one.
  if (known === null) await store.putPullRequestComment(tenant, pullRequest.number, null);
  const id = await provider.upsertKeptComment(repo, pullRequest.number, body, known);
  await store.putPullRequestComment(tenant, pullRequest.number, id);
}
