import { z } from "zod";
import { parseWith } from "../kit/index.js";

/**
 * The parts of GitHub's REST answers and webhook payloads gitsync reads, as zod schemas.
 * GitHub's typings describe what the API promises, not what a proxy or a changed API returns:
 * `read` fails naming the answer and the field instead of letting `undefined` travel on.
 * Unknown fields pass (GitHub adds them all the time); only what gitsync uses is checked.
 */

const sha = z.string().regex(/^[0-9a-f]{40}$/, "should be a 40-hex sha");
const withSha = z.object({ sha });

export const RefAnswer = z.object({ object: withSha });
export const ShaAnswer = withSha;
export const CommitAnswer = z.object({ sha, tree: withSha });
export const ContentsAnswer = z.object({ commit: withSha });

export const PullRequestAnswer = z.object({
  number: z.number().int(),
  html_url: z.string(),
  title: z.string(),
  state: z.enum(["open", "closed"]),
  // `merged` is only in the single-PR answer; the list answer has `merged_at`.
  merged: z.boolean().optional(),
  merged_at: z.string().nullish(),
  merge_commit_sha: z.string().nullish(),
  head: z.object({ ref: z.string(), sha }),
  base: z.object({ ref: z.string() }),
});
export const PullRequestList = z.array(z.unknown());

export const CompareAnswer = z.object({
  status: z.enum(["diverged", "ahead", "behind", "identical"]),
  files: z
    .array(
      z.object({
        filename: z.string(),
        status: z.enum(["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]),
        previous_filename: z.string().nullish(),
      }),
    )
    .optional(),
  merge_base_commit: z.object({ sha: z.string() }).optional(),
});

export const TreeAnswer = z.object({
  truncated: z.boolean(),
  tree: z.array(z.object({ path: z.string(), type: z.string(), sha })),
});

export const CommentAnswer = z.object({ id: z.number().int(), body: z.string().nullish() });
export const InstallationAnswer = z.object({ id: z.number().int() });
export const CheckRunAnswer = z.object({ id: z.number().int() });
export const CheckRunList = z.object({ check_runs: z.array(z.object({ id: z.number().int(), status: z.string() })) });

const repository = z.object({ full_name: z.string() });

export const PushPayload = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
  forced: z.boolean().optional(),
  repository,
  pusher: z.object({ name: z.string().nullish(), email: z.string().nullish() }).nullish(),
  commits: z
    .array(z.object({ added: z.array(z.string()).optional(), removed: z.array(z.string()).optional(), modified: z.array(z.string()).optional() }))
    .nullish(),
});

export const PayloadPullRequest = z.object({
  number: z.number().int(),
  merged: z.boolean().nullish(),
  head: z.object({ ref: z.string(), sha: z.string() }),
  base: z.object({ ref: z.string(), sha: z.string().nullish() }),
});

export const PullRequestPayload = z.object({ action: z.string(), pull_request: PayloadPullRequest, repository });

const rerun = z.object({ pull_requests: z.array(PayloadPullRequest).optional() }).nullish();
export const RerequestedPayload = z.object({ action: z.string(), repository, check_run: rerun, check_suite: rerun });

/** `value` checked against `schema`; failures say "GitHub <what>: field <path>: <problem>". */
export function read<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  return parseWith(schema, value, `GitHub ${what}`);
}
