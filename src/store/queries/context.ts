import type { Kysely } from "kysely";
import type { ReferenceExtractor } from "../../core/store.js";
import type { Database } from "../schema.js";
import type { SecretBox } from "../secret-box.js";
import type { SecretFieldsOf } from "./sealed-fields.js";

/**
 * What every query needs: the Kysely handle (the database, or one open transaction), the box
 * that seals secrets and where each kind's secret fields are (from the catalog). Passed explicitly, never held in a module, so one process can serve many
 * stores at once.
 */
export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly secrets: SecretBox;
  readonly secretFields: SecretFieldsOf;
  /** Finds a body's references for the reference index; without it the index is not kept. */
  readonly references?: ReferenceExtractor;
}

/** Runs `fn` in a transaction, reusing the caller's when there is one, so queries can nest. */
export function atomically<T>(cx: StoreContext, fn: (tx: StoreContext) => Promise<T>): Promise<T> {
  if (cx.db.isTransaction) return fn(cx);
  return cx.db.transaction().execute((trx) => fn({ ...cx, db: trx }));
}

/** Timestamps are ISO-8601 text on both databases (see schema.ts). */
export const now = (): string => new Date().toISOString();
