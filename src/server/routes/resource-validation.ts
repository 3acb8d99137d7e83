import type { Kind } from "../../catalog/kind.js";
import type { Diagnostic, JsonObject } from "../../core/types.js";
import { validateResource } from "../../validation/index.js";
import type { ApiDeps } from "../deps.js";

/** A resource written through the API is judged by the same engine as a file pushed to git. */
export async function resourceDiagnostics(
  deps: ApiDeps,
  tenant: string,
  kind: Kind,
  name: string,
  body: JsonObject,
): Promise<Diagnostic[]> {
  const [current, connections] = await Promise.all([deps.store.listResources(tenant), deps.store.listConnections(tenant)]);
  return validateResource({
    catalog: deps.catalog,
    kind: kind.id,
    name,
    body,
    // Archived resources are set aside: nothing may refer to them.
    current: current.filter((r) => !r.archived).map((r) => ({ kind: r.kind, name: r.name, body: r.body })),
    connections: connections.map((c) => c.name),
  });
}
