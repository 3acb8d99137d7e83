import { COMMENT_MARKER } from "../../core/index.js";

/**
 * gitsync's one comment on a pull request, kept up to date: the kit owns the marker that finds
 * it, where it goes and how long the text may be; an adapter only lists, creates and updates.
 */

export interface CommentPrimitives<Id> {
  /** Every comment on the pull request (all pages), with what the forge says of it. */
  list(): Promise<{ id: Id; body: string; ignore?: boolean }[]>;
  create(body: string): Promise<void>;
  update(id: Id, body: string): Promise<void>;
}

const CUT_NOTE = "\n\n… (cut: the comment is longer than the provider allows)";

/** The body as posted: the marker first (once), cut to `maxLength` with a note saying so. */
export function markedComment(body: string, maxLength: number): string {
  const marked = body.includes(COMMENT_MARKER) ? body : `${COMMENT_MARKER}\n${body}`;
  if (marked.length <= maxLength) return marked;
  return `${marked.slice(0, Math.max(0, maxLength - CUT_NOTE.length))}${CUT_NOTE}`;
}

/**
 * Creates the comment, or updates the one that holds the marker (skipping comments the forge
 * marks as system notes or deleted). An unchanged body makes no request.
 */
export async function upsertMarkedComment<Id>(primitives: CommentPrimitives<Id>, body: string, maxLength: number): Promise<void> {
  const text = markedComment(body, maxLength);
  const ours = (await primitives.list()).find((comment) => comment.ignore !== true && comment.body.includes(COMMENT_MARKER));
  if (ours === undefined) await primitives.create(text);
  else if (ours.body !== text) await primitives.update(ours.id, text);
}
