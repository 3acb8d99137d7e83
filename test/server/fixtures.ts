/** Request bodies the API tests send. */

/**
 * A builder of valid `model` bodies in `project`: each reads the table `public.<name>` from the
 * tenant's `warehouse` connection; `extra` overrides or adds fields.
 */
export function modelsIn(project: string) {
  return (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    source: "warehouse",
    type: "table",
    dbtModel: null,
    tableName: `public.${name}`,
    isSchema: false,
    primaryKey: "id",
    project,
    ...extra,
  });
}
