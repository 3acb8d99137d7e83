import type { Catalog } from "../../catalog/catalog.js";
import { formatFieldPath } from "../../catalog/kind.js";
import type { ReferenceExtractor } from "../../core/store.js";
import { referencesOf } from "../../validation/fields.js";

/**
 * What the store's reference index holds for a body: each reference field with its array
 * indexes (`tasks[0].sourceConnection`), the kind it names and the name. The catalog's schemas
 * say which fields are references, so the index follows any kind an operator adds.
 */
export function referenceExtractor(catalog: Catalog): ReferenceExtractor {
  return (kindId, body) => {
    const kind = catalog.byId(kindId);
    if (!kind) return [];
    return referencesOf(kind, body).map((found) => ({
      field: formatFieldPath(found.path),
      target: found.field.target,
      name: found.value,
    }));
  };
}
