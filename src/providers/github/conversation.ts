import type { OpenPullRequest, PullRequestInfo } from "../../core/index.js";
import { upsertMarkedComment } from "../kit/index.js";
import { call } from "./errors.js";
import { mapPullRequest } from "./mappers.js";
import type { GitHubOctokit } from "./options.js";
import { CommentAnswer, PullRequestList, read } from "./schema.js";

interface Target {
  owner: string;
  repo: string;
}

/**
 * The open pull request for head → base, or a new one. GitHub filters the list by head and
 * base; every page is read all the same, so the answer never rests on where a page ends.
 */
export async function findOrOpenPullRequest(octokit: GitHubOctokit, target: Target, request: OpenPullRequest): Promise<PullRequestInfo> {
  const data = await call(`list pull requests for ${request.head}`, () =>
    octokit.paginate(octokit.rest.pulls.list, { ...target, state: "open", head: `${target.owner}:${request.head}`, base: request.base, per_page: 100 }),
  );
  const existing = read(PullRequestList, data, "pull request list")[0];
  if (existing !== undefined) return mapPullRequest(existing);
  const created = await call(`open pull request for ${request.head}`, () =>
    octokit.rest.pulls.create({ ...target, head: request.head, base: request.base, title: request.title, body: request.body }),
  );
  return mapPullRequest(created.data);
}

export async function readPullRequest(octokit: GitHubOctokit, target: Target, number: number): Promise<PullRequestInfo> {
  const { data } = await call(`read pull request #${number}`, () => octokit.rest.pulls.get({ ...target, pull_number: number }));
  return mapPullRequest(data);
}

/** Creates or updates gitsync's one comment (the kit finds it by its marker). */
export async function upsertComment(octokit: GitHubOctokit, target: Target, number: number, text: string, maxLength: number): Promise<void> {
  await upsertMarkedComment(
    {
      list: async () => {
        const comments = await call(`list comments of #${number}`, () =>
          octokit.paginate(octokit.rest.issues.listComments, { ...target, issue_number: number, per_page: 100 }),
        );
        return comments.map((c) => {
          const comment = read(CommentAnswer, c, "comment");
          return { id: comment.id, body: comment.body ?? "" };
        });
      },
      create: async (body) => void (await call(`comment on #${number}`, () => octokit.rest.issues.createComment({ ...target, issue_number: number, body }))),
      update: async (id, body) => void (await call(`update comment on #${number}`, () => octokit.rest.issues.updateComment({ ...target, comment_id: id, body }))),
    },
    text,
    maxLength,
  );
}
