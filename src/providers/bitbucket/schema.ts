import { z } from "zod";
import { parseWith } from "../kit/index.js";

/**
 * The parts of Bitbucket Cloud's REST answers (its OpenAPI document's schemas: branch, commit,
 * tag, treeentry, diffstat, pullrequest, pullrequest_comment, paginated_*) and webhook payloads
 * that gitsync reads, as zod schemas. Unknown fields pass; a mismatch names the field.
 */

const target = z.object({ target: z.object({ hash: z.string() }) });
export const RefAnswer = target;
export const CommitAnswer = z.object({ hash: z.string() });

export const PageAnswer = z.object({ values: z.array(z.unknown()), next: z.string().nullish() });

export const SrcEntryAnswer = z.object({ path: z.string(), type: z.enum(["commit_file", "commit_directory", "commit_link"]) });

const link = z.object({ href: z.string() });
export const DiffstatAnswer = z.object({
  status: z.string(),
  old: z.object({ path: z.string().nullish() }).nullish(),
  new: z.object({ path: z.string().nullish(), links: z.object({ self: link.nullish() }).nullish() }).nullish(),
});

export const PullRequestAnswer = z.object({
  id: z.number().int(),
  title: z.string(),
  state: z.enum(["OPEN", "MERGED", "DECLINED", "SUPERSEDED"]),
  links: z.object({ html: z.object({ href: z.string() }) }),
  source: z.object({ branch: z.object({ name: z.string() }), commit: z.object({ hash: z.string() }) }),
  destination: z.object({ branch: z.object({ name: z.string() }), commit: z.object({ hash: z.string() }).nullish() }),
  merge_commit: z.object({ hash: z.string() }).nullish(),
});

export const CommentAnswer = z.object({ id: z.number().int(), deleted: z.boolean().optional(), content: z.object({ raw: z.string().nullish() }).nullish() });

const repository = z.object({ full_name: z.string() });
export const PushPayload = z.object({
  repository,
  push: z.object({
    changes: z.array(
      z.object({
        forced: z.boolean().optional(),
        old: z.object({ target: z.object({ hash: z.string() }) }).nullish(),
        new: z.object({ type: z.string(), name: z.string(), target: z.object({ hash: z.string() }) }).nullish(),
      }),
    ),
  }),
});
export const PullRequestPayload = z.object({ repository, pullrequest: PullRequestAnswer.pick({ id: true, source: true, destination: true }) });

/** `value` checked against `schema`; failures say "bitbucket <what>: field <path>: <problem>". */
export function read<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  return parseWith(schema, value, `bitbucket ${what}: unexpected response`);
}
