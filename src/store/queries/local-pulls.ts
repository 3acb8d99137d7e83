import { NotFoundError } from "../../core/errors.js";
import type { LocalPullRequest } from "../../core/local-review.js";
import * as rows from "../rows.js";
import { definedOnly } from "./columns.js";
import { atomically, now, type StoreContext } from "./context.js";
import { retryLostRaces } from "./races.js";

/** The local provider's pull requests, numbered per repository from 1 as a forge would. */

export type LocalPullInput = Pick<LocalPullRequest, "repository" | "title" | "body" | "head" | "base" | "headSha">;
export type LocalPullPatch = Partial<Pick<LocalPullRequest, "title" | "body" | "headSha" | "state" | "mergeCommitSha">>;

export async function createLocalPull(cx: StoreContext, input: LocalPullInput): Promise<LocalPullRequest> {
  return atomically(cx, (tx) =>
    retryLostRaces(() => tryCreateLocalPull(tx, input), `pull requests of ${input.repository} are being created concurrently; try again`),
  );
}

/** Takes the next number; undefined when a concurrent creator took it first. */
async function tryCreateLocalPull(cx: StoreContext, input: LocalPullInput): Promise<LocalPullRequest | undefined> {
  const last = await cx.db
    .selectFrom("local_pulls")
    .select((eb) => eb.fn.max("number").as("n"))
    .where("repository", "=", input.repository)
    .executeTakeFirst();
  const at = now();
  const row = await cx.db
    .insertInto("local_pulls")
    .values({
      repository: input.repository,
      number: (last?.n ?? 0) + 1,
      title: input.title,
      body: input.body,
      head: input.head,
      base: input.base,
      head_sha: input.headSha,
      state: "open",
      merge_commit_sha: null,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.columns(["repository", "number"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? rows.toLocalPull(row) : undefined;
}

export async function getLocalPull(cx: StoreContext, repository: string, number: number): Promise<LocalPullRequest | null> {
  const row = await cx.db.selectFrom("local_pulls").selectAll().where((eb) => eb.and({ repository, number })).executeTakeFirst();
  return row ? rows.toLocalPull(row) : null;
}

export async function listLocalPulls(cx: StoreContext, repository: string, state?: LocalPullRequest["state"]): Promise<LocalPullRequest[]> {
  let q = cx.db.selectFrom("local_pulls").selectAll().where("repository", "=", repository);
  if (state !== undefined) q = q.where("state", "=", state);
  return (await q.orderBy("number").execute()).map(rows.toLocalPull);
}

/** Sets only the fields given; the others keep their value. */
export async function updateLocalPull(cx: StoreContext, repository: string, number: number, patch: LocalPullPatch): Promise<LocalPullRequest> {
  const set = {
    updated_at: now(),
    ...definedOnly({
      title: patch.title,
      body: patch.body,
      head_sha: patch.headSha,
      state: patch.state,
      merge_commit_sha: patch.mergeCommitSha,
    }),
  };
  const row = await cx.db
    .updateTable("local_pulls")
    .set(set)
    .where((eb) => eb.and({ repository, number }))
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`pull request ${repository}#${number} not found`, { repository, number });
  return rows.toLocalPull(row);
}
