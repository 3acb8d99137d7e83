import { ConflictError } from "../../core/errors.js";

/** How often a write that lost a race without a version precondition re-reads and tries again. */
export const MAX_ATTEMPTS = 5;

/**
 * Repeats one optimistic attempt until it returns a value. An attempt returns undefined when
 * another writer won a race the caller did not guard against (the row count said so); after
 * MAX_ATTEMPTS the caller gets a 409 with `conflict` as its message.
 */
export async function retryLostRaces<T>(attempt: () => Promise<T | undefined>, conflict: string): Promise<T> {
  for (let n = 1; ; n++) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (n >= MAX_ATTEMPTS) throw new ConflictError(conflict);
  }
}
