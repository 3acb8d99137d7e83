import type { OpenPullRequest, PullRequestInfo, RepoRef } from "../../core/index.js";
import type { AzureContext } from "./context.js";
import { allPages, type Page } from "../kit/paging.js";
import { BRANCH_PREFIX, listOf, pullRequestOf, type Json } from "./mappers.js";

/** Pull requests for snapshots and conflicts: one per head and base, found again when open. */

/** Azure refuses a pull request description longer than this. */
export const DESCRIPTION_LIMIT = 4000;
/** Pull requests listed per page. */
const PULL_REQUEST_PAGE = 100;

export async function openPullRequest(ctx: AzureContext, request: OpenPullRequest): Promise<PullRequestInfo> {
  const api = ctx.api(request);
  const web = ctx.web(request);
  const source = `${BRANCH_PREFIX}${request.head}`;
  const target = `${BRANCH_PREFIX}${request.base}`;
  const open = await activePullRequests(ctx, api, source, target);
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

/**
 * The active pull requests from source to target. Azure filters them; the list is paged by
 * `$top` and `$skip` all the same, and a page shorter than `$top` is the last one.
 */
async function activePullRequests(ctx: AzureContext, api: string, source: string, target: string): Promise<Json[]> {
  const query = { "searchCriteria.sourceRefName": source, "searchCriteria.targetRefName": target, "searchCriteria.status": "active", $top: PULL_REQUEST_PAGE };
  const page = async (skip: number): Promise<Page<Json, number>> => {
    const values = listOf(await ctx.client.json<unknown>("GET", `${api}/pullrequests`, { ...query, $skip: skip }, "pull requests"), "pull requests");
    return { values, next: values.length < PULL_REQUEST_PAGE ? null : skip + PULL_REQUEST_PAGE };
  };
  return allPages("Azure DevOps pull requests", () => page(0), page);
}

export async function getPullRequest(ctx: AzureContext, repo: RepoRef, number: number): Promise<PullRequestInfo> {
  return pullRequestOf(await ctx.client.json<unknown>("GET", `${ctx.api(repo)}/pullrequests/${number}`, {}, `pull request ${number}`), ctx.web(repo));
}
