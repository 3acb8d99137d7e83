import type { Catalog } from "../../catalog/catalog.js";
import type { Store } from "../../core/store.js";
import type { Diagnostic, JsonObject, Resource } from "../../core/types.js";
import type { CurrentResource } from "../../validation/index.js";
import { validateResource } from "../../validation/index.js";
import { referencesOf } from "../../validation/fields.js";

/**
 * A resource written through the API, judged by the same engine as a pushed file, against
 * only the part of the tenant it can touch: the resources and connections it names, and for a
 * kind that names its own kind (job `dependsOn`) the chain of those it reaches, where a cycle
 * through it would be. Nothing else can change its verdict, so the cost follows what the
 * resource names, not the tenant's size. Its referrers stay valid: a write keeps the name.
 */
export async function checkResourceWrite(
  store: Store,
  catalog: Catalog,
  input: { tenant: string; kind: string; name: string; body: JsonObject },
): Promise<Diagnostic[]> {
  const kind = catalog.byId(input.kind);
  if (!kind) return validateResource({ catalog, ...input, current: [], connections: [] });
  const wanted = new Map<string, Set<string>>();
  for (const found of referencesOf(kind, input.body)) {
    let names = wanted.get(found.field.target);
    if (!names) wanted.set(found.field.target, (names = new Set()));
    names.add(found.value);
  }
  const current: CurrentResource[] = [];
  const connections: string[] = [];
  for (const [target, names] of wanted) {
    const targetKind = catalog.byId(target);
    if (targetKind && !targetKind.exported) {
      const found = await Promise.all([...names].map((n) => store.getConnection(input.tenant, n)));
      connections.push(...found.flatMap((c) => (c ? [c.name] : [])));
    } else if (target === kind.id) {
      current.push(...(await reachable(store, catalog, input.tenant, kind.id, [...names])));
    } else {
      current.push(...live(await store.getResources(input.tenant, target, [...names])));
    }
  }
  return validateResource({ catalog, ...input, current, connections });
}

const live = (resources: Resource[]): CurrentResource[] =>
  resources.filter((r) => !r.archived).map((r) => ({ kind: r.kind, name: r.name, body: r.body }));

/** The live resources of one kind reached from `start` through that kind's self-references. */
async function reachable(store: Store, catalog: Catalog, tenant: string, kindId: string, start: string[]): Promise<CurrentResource[]> {
  const kind = catalog.byId(kindId);
  const seen = new Set<string>();
  const out: CurrentResource[] = [];
  let frontier = start;
  while (frontier.length > 0 && kind) {
    frontier.forEach((n) => seen.add(n));
    const found = live(await store.getResources(tenant, kindId, frontier));
    out.push(...found);
    const next = new Set<string>();
    for (const r of found) {
      for (const ref of referencesOf(kind, r.body)) if (ref.field.target === kindId && !seen.has(ref.value)) next.add(ref.value);
    }
    frontier = [...next];
  }
  return out;
}
