import { z } from "zod";
import { parseWith } from "../kit/index.js";

/**
 * The parts of GitLab's REST answers and webhook payloads gitsync reads, as zod schemas (the
 * fields as GitLab's REST docs document them). Unknown fields pass; a proxy page or an API
 * change fails naming the answer and the field, not later as `undefined`.
 */

export const CommitAnswer = z.object({ id: z.string(), parent_ids: z.array(z.string()) });
export const BranchAnswer = z.object({ commit: z.object({ id: z.string() }) });

export const CompareAnswer = z.object({
  diffs: z.array(z.object({ old_path: z.string(), new_path: z.string(), new_file: z.boolean(), renamed_file: z.boolean(), deleted_file: z.boolean() })),
  compare_timeout: z.boolean().nullish(),
});

export const MergeRequestAnswer = z.object({
  iid: z.number().int(),
  web_url: z.string(),
  title: z.string(),
  state: z.enum(["opened", "locked", "merged", "closed"]),
  source_branch: z.string(),
  target_branch: z.string(),
  sha: z.string(),
  merge_commit_sha: z.string().nullish(),
  squash_commit_sha: z.string().nullish(),
});
export const MergeRequestList = z.array(z.unknown());

export const NoteList = z.array(z.object({ id: z.number().int(), body: z.string(), system: z.boolean() }));
export const StatusAnswer = z.object({ id: z.number().int() });

const project = z.object({ path_with_namespace: z.string() });

export const WebhookPayload = z.object({ object_kind: z.string().optional() });

export const PushPayload = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  project,
  user_name: z.unknown().optional(),
  user_email: z.unknown().optional(),
});

export const MergeRequestPayload = z.object({
  project,
  object_attributes: z.object({
    action: z.unknown().optional(),
    iid: z.number().int(),
    source_branch: z.string(),
    target_branch: z.string(),
    last_commit: z.object({ id: z.string() }),
  }),
});

/** `value` checked against `schema`; failures say "GitLab <what>: field <path>: <problem>". */
export function read<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  return parseWith(schema, value, `GitLab ${what}`);
}
