import type { Kind } from "../../catalog/kind.js";
import type { Diagnostic, JsonObject } from "../../core/types.js";
import { assertUnreferenced, checkResourceWrite } from "../../sync/integrity/index.js";
import type { ApiDeps } from "../deps.js";

/**
 * A resource written through the API is judged by the same engine as a file pushed to git,
 * against the tenant as it would be after the write (only the part the write can touch).
 */
export async function resourceDiagnostics(
  deps: ApiDeps,
  tenant: string,
  kind: Kind,
  name: string,
  body: JsonObject,
): Promise<Diagnostic[]> {
  return checkResourceWrite(deps.store, deps.catalog, { tenant, kind: kind.id, name, body });
}

/** Refuses (409, naming the referrers) to remove what live resources still name. */
export async function assertRemovable(deps: Pick<ApiDeps, "store">, tenant: string, kind: string, name: string): Promise<void> {
  await assertUnreferenced(deps.store, tenant, { kind, name });
}
