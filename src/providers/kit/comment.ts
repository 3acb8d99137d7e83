import { COMMENT_MARKER } from "../../core/index.js";

/**
 * gitsync's one comment on a pull request, kept up to date: the kit owns the marker that finds
 * it, where it goes and how long the text may be; an adapter only lists, creates and updates.
 */

export interface CommentPrimitives<Id> {
  /** Every comment on the pull request (all pages), with what the forge says of it. */
  list(): Promise<{ id: Id; body: string; ignore?: boolean }[]>;
  /** Adapters may answer as `KeptCommentPrimitives` do: an update answering false found the comment gone. */
  create(body: string): Promise<unknown>;
  update(id: Id, body: string): Promise<unknown>;
}

const CUT_NOTE = "\n\n… (cut: the comment is longer than the provider allows)";

/** The body as posted: the marker first (once), cut to `maxLength` with a note saying so. */
export function markedComment(body: string, maxLength: number): string {
  const marked = body.includes(COMMENT_MARKER) ? body : `${COMMENT_MARKER}\n${body}`;
  if (marked.length <= maxLength) return marked;
  return `${marked.slice(0, Math.max(0, maxLength - CUT_NOTE.length))}${CUT_NOTE}`;
}

/** What `upsertKeptComment` needs: creating answers the new comment's id, updating whether it still was there. */
export interface KeptCommentPrimitives<Id> {
  list: CommentPrimitives<Id>["list"];
  create(body: string): Promise<Id>;
  /** False when the comment is gone (deleted since): then nothing was written. */
  update(id: Id, body: string): Promise<boolean>;
}

async function findMarked<Id>(primitives: Pick<CommentPrimitives<Id>, "list">): Promise<{ id: Id; body: string } | undefined> {
  return (await primitives.list()).find((comment) => comment.ignore !== true && comment.body.includes(COMMENT_MARKER));
}

/**
 * Creates the comment, or updates the one that holds the marker (skipping comments the forge
 * marks as system notes or deleted). An unchanged body makes no request.
 */
export async function upsertMarkedComment<Id>(primitives: CommentPrimitives<Id>, body: string, maxLength: number): Promise<void> {
  const text = markedComment(body, maxLength);
  const ours = await findMarked(primitives);
  if (ours === undefined) await primitives.create(text);
  // An update answering false (see KeptCommentPrimitives) found the comment gone: it is made again.
  else if (ours.body !== text && (await primitives.update(ours.id, text)) === false) await primitives.create(text);
}

/**
 * `upsertMarkedComment` for a caller that keeps the comment's id (see the port's
 * `upsertKeptComment`): `known` is updated, or (null) a comment created, without listing; a
 * kept comment that is gone, or an id not known, is found by listing. Returns the comment's id.
 */
export async function upsertKeptComment<Id>(primitives: KeptCommentPrimitives<Id>, body: string, maxLength: number, known?: Id | null): Promise<Id> {
  const text = markedComment(body, maxLength);
  if (known === null) return primitives.create(text);
  if (known !== undefined && (await primitives.update(known, text))) return known;
  const ours = await findMarked(primitives);
  if (ours === undefined) return primitives.create(text);
  // Gone between the list and the update (deleted meanwhile): made again.
  if (ours.body !== text && !(await primitives.update(ours.id, text))) return primitives.create(text);
  return ours.id;
}
