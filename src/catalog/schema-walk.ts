/**
 * Walks a kind's JSON Schema the way an instance is laid out, so the catalog can find which
 * instance paths carry `x-gitsync-*` annotations and the serializer can order keys.
 * Only local `$ref`s (`#/...`) are followed: kind schemas are self-contained.
 */
export type SchemaNode = { [key: string]: unknown };

/** An instance path; `*` stands for any item of an array. */
export type FieldPath = readonly string[];

export function isSchemaNode(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function resolvePointer(root: SchemaNode, pointer: string): unknown {
  if (pointer === "" || pointer === "#") return root;
  const parts = pointer.replace(/^#\/?/, "").split("/");
  let node: unknown = root;
  for (const raw of parts) {
    const part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isSchemaNode(node)) node = node[part];
    else return undefined;
  }
  return node;
}

/** The schema and every subschema applying at the same instance location ($ref, allOf, then...). */
export function sameLocation(root: SchemaNode, schema: unknown, seen = new Set<unknown>()): SchemaNode[] {
  if (!isSchemaNode(schema) || seen.has(schema)) return [];
  seen.add(schema);
  const out: SchemaNode[] = [schema];
  const ref = schema["$ref"];
  if (typeof ref === "string" && ref.startsWith("#")) out.push(...sameLocation(root, resolvePointer(root, ref), seen));
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    const list = schema[key];
    if (Array.isArray(list)) for (const sub of list) out.push(...sameLocation(root, sub, seen));
  }
  for (const key of ["then", "else"]) out.push(...sameLocation(root, schema[key], seen));
  return out;
}

/** Property subschemas of an object location, in declaration order, merged across applicators. */
export function propertiesAt(root: SchemaNode, schema: unknown): Map<string, SchemaNode[]> {
  const props = new Map<string, SchemaNode[]>();
  for (const node of sameLocation(root, schema)) {
    const p = node["properties"];
    if (!isSchemaNode(p)) continue;
    for (const [name, sub] of Object.entries(p)) {
      if (!isSchemaNode(sub)) continue;
      const list = props.get(name) ?? [];
      list.push(sub);
      props.set(name, list);
    }
  }
  return props;
}

/** Item subschemas of an array location. */
export function itemsAt(root: SchemaNode, schema: unknown): SchemaNode[] {
  const out: SchemaNode[] = [];
  for (const node of sameLocation(root, schema)) if (isSchemaNode(node["items"])) out.push(node["items"]);
  return out;
}

/**
 * Every instance path whose schema satisfies `test`, with the annotating subschema. Recursion
 * through self-referencing schemas stops at a repeated subschema on the current branch.
 */
export function findAnnotated(
  root: SchemaNode,
  test: (schema: SchemaNode) => boolean,
): { path: FieldPath; schema: SchemaNode }[] {
  const found: { path: FieldPath; schema: SchemaNode }[] = [];
  const seenPaths = new Set<string>();
  const visit = (schema: unknown, path: string[], stack: Set<unknown>): void => {
    if (!isSchemaNode(schema) || stack.has(schema)) return;
    const here = new Set(stack).add(schema);
    const locals = sameLocation(root, schema);
    for (const node of locals) {
      if (test(node)) {
        const key = path.join("/");
        if (!seenPaths.has(key)) {
          seenPaths.add(key);
          found.push({ path, schema: node });
        }
        break;
      }
    }
    for (const [name, subs] of propertiesAt(root, schema)) for (const sub of subs) visit(sub, [...path, name], here);
    for (const sub of itemsAt(root, schema)) visit(sub, [...path, "*"], here);
  };
  visit(root, [], new Set());
  return found;
}
