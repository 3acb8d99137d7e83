import type { OpenPullRequest, PullRequestInfo, RepoRef } from "../../core/index.js";
import type { AzureContext } from "./context.js";
import { BRANCH_PREFIX, listOf, pullRequestOf } from "./mappers.js";

/** Pull requests for snapshots and conflicts: one per head and base, found again when open. */

/** Azure refuses a pull request description longer than this. */
export const DESCRIPTION_LIMIT = 4000;

export async function openPullRequest(ctx: AzureContext, request: OpenPullRequest): Promise<PullRequestInfo> {
  const api = ctx.api(request);
  const web = ctx.web(request);
  const source = `${BRANCH_PREFIX}${request.head}`;
  const target = `${BRANCH_PREFIX}${request.base}`;
  const open = listOf(
    await ctx.client.json<unknown>(
      "GET",
      `${api}/pullrequests`,
      { "searchCriteria.sourceRefName": source, "searchCriteria.targetRefName": target, "searchCriteria.status": "active" },
      "pull requests",
    ),
    "pull requests",
  );
  if (open[0] !== undefined) return pullRequestOf(open[0], web);
  const description = request.body.length <= DESCRIPTION_LIMIT ? request.body : `${request.body.slice(0, DESCRIPTION_LIMIT - 1)}…`;
  const created = await ctx.client.json<unknown>("POST", `${api}/pullrequests`, {}, "new pull request", {
    sourceRefName: source,
    targetRefName: target,
    title: request.title,
    description,
  });
  return pullRequestOf(created, web);
}

export async function getPullRequest(ctx: AzureContext, repo: RepoRef, number: number): Promise<PullRequestInfo> {
  return pullRequestOf(await ctx.client.json<unknown>("GET", `${ctx.api(repo)}/pullrequests/${number}`, {}, `pull request ${number}`), ctx.web(repo));
}
