import type { LocalCheck, LocalComment } from "../../core/local-review.js";
import * as rows from "../rows.js";
import { now, type StoreContext } from "./context.js";

/** The local provider's checks and its one kept-up-to-date comment per pull request. */

/** Creates a check, or replaces the one with the same sha and name (a re-run keeps its id). */
export async function putLocalCheck(cx: StoreContext, input: Omit<LocalCheck, "id" | "createdAt" | "updatedAt">): Promise<LocalCheck> {
  const at = now();
  const values = {
    status: input.status,
    conclusion: input.conclusion,
    title: input.title,
    summary: input.summary,
    annotations: JSON.stringify(input.annotations),
    pull_request: input.pullRequest,
    updated_at: at,
  };
  const row = await cx.db
    .insertInto("local_checks")
    .values({ repository: input.repository, sha: input.sha, name: input.name, ...values, created_at: at })
    .onConflict((oc) => oc.columns(["repository", "sha", "name"]).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return rows.toLocalCheck(row);
}

export async function listLocalChecks(cx: StoreContext, repository: string, sha: string): Promise<LocalCheck[]> {
  const found = await cx.db
    .selectFrom("local_checks")
    .selectAll()
    .where((eb) => eb.and({ repository, sha }))
    .orderBy("id")
    .execute();
  return found.map(rows.toLocalCheck);
}

export async function upsertLocalComment(cx: StoreContext, repository: string, pullRequest: number, body: string): Promise<LocalComment> {
  const at = now();
  const row = await cx.db
    .insertInto("local_comments")
    .values({ repository, pull_request: pullRequest, body, updated_at: at })
    .onConflict((oc) => oc.columns(["repository", "pull_request"]).doUpdateSet({ body, updated_at: at }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return rows.toLocalComment(row);
}

export async function getLocalComment(cx: StoreContext, repository: string, pullRequest: number): Promise<LocalComment | null> {
  const row = await cx.db
    .selectFrom("local_comments")
    .selectAll()
    .where((eb) => eb.and({ repository, pull_request: pullRequest }))
    .executeTakeFirst();
  return row ? rows.toLocalComment(row) : null;
}
