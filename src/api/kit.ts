import { Type, type SchemaOptions, type Static, type TSchema, type TUnsafe } from "@sinclair/typebox";

/**
 * Builders for the API's shapes. Each shape is written once, with TypeBox: the value is the JSON
 * Schema that validates requests and fills the OpenAPI document's components, and `Static` of it
 * is the TypeScript type the routes, the web UI and the CLI use.
 */

const names = new WeakMap<object, string>();

/** A shape the OpenAPI document lists under `components.schemas` and others refer to by `$ref`. */
export function component<T extends TSchema>(name: string, schema: T): T {
  names.set(schema, name);
  return schema;
}

export const isComponent = (value: unknown): value is TSchema => typeof value === "object" && value !== null && names.has(value);

/** The component's name, or an error for a shape that was never named. */
export function componentName(schema: TSchema): string {
  const name = names.get(schema);
  if (name === undefined) throw new Error("not an API component: name it with component()");
  return name;
}

/** A `$ref` to a named component, typed as the component itself. */
export function ref<T extends TSchema>(schema: T, options: SchemaOptions = {}): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>({ ...options, $ref: `#/components/schemas/${componentName(schema)}` });
}

/** Own string keys only: TypeBox's symbol markers describe the original type, not the new one. */
const plain = (schema: TSchema): Record<string, unknown> => Object.fromEntries(Object.entries(schema));

/**
 * `type: [<type>, "null"]`, so a validation error stays "must be string,null" rather than one
 * error per branch of an anyOf.
 */
export function nullable<T extends TSchema & { type: string }>(schema: T, options: SchemaOptions = {}): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...plain(schema), ...options, type: [schema.type, "null"] });
}

/** One of these strings: a plain `enum`, as the API has always documented it. */
export function enumOf<const T extends readonly (string | null)[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, enum: [...values] });
}

/** Any JSON object (a resource's content, a job's payload): checked elsewhere, or not at all. */
export function jsonObject<T = Record<string, unknown>>(options: SchemaOptions = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ type: "object", ...options });
}

export type { Static };
