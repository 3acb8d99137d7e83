import { ConflictError } from "../../core/errors.js";
import type { Referrer, Store } from "../../core/store.js";

/** How many referrers a refusal lists; the count says how many there are in all. */
const LISTED = 100;

/**
 * Refuses (409) to remove a resource or connection that live resources still name: removing it
 * would leave the tenant invalid, and in direct mode commit a broken tree. The store's reference
 * index answers without reading the tenant. `kind` is a kind id; connections use `connection`.
 */
export async function assertUnreferenced(store: Store, tenant: string, target: { kind: string; name: string }): Promise<void> {
  const referrers = (await store.listReferrers(tenant, target.kind, target.name, { limit: LISTED + 1 })).filter(
    (r) => r.kind !== target.kind || r.name !== target.name,
  );
  if (referrers.length === 0) return;
  const shown = referrers.slice(0, LISTED);
  const more = referrers.length > LISTED ? " (and more)" : "";
  throw new ConflictError(
    `${target.kind} ${target.name} is still named by ${shown.map(describe).join(", ")}${more}; change or remove those first`,
    { kind: target.kind, name: target.name, referrers: shown, truncated: referrers.length > LISTED },
  );
}

const describe = (r: Referrer): string => `${r.kind} ${r.name} (field ${r.field})`;
