import type { TObject, TSchema } from "@sinclair/typebox";
import { ref } from "../api/kit.js";

/** Small builders for the OpenAPI document's paths, shared by its parts; the shapes are in src/api. */

export { ref };
export const json = (schema: object) => ({ "application/json": { schema } });

export function ok(description: string, schema: object, headers?: object) {
  return { description, content: json(schema), ...(headers ? { headers } : {}) };
}

export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/E${status}` }]));

/** A query's fields as OpenAPI parameters: the request's shape, one optional parameter per property. */
export const queryParameters = (shape: TObject) =>
  Object.entries(shape.properties).map(([name, schema]) => ({
    name,
    in: "query",
    required: false,
    ...(typeof schema.description === "string" ? { description: schema.description } : {}),
    schema,
  }));

export const body = (schema: TSchema, required = true) => ({ required, content: json(ref(schema)) });

export const param = (name: string, description: string, schema: object = { type: "string" }) => ({
  name,
  in: "path",
  required: true,
  description,
  schema,
});
export const tenant = param("tenant", "The tenant's slug", { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$" });
export const kind = param("kind", "The kind's folder name (models, syncs, jobs, ...)");
export const name = param("name", "The resource's or connection's name");
export const etag = { ETag: { description: 'The version, as `"<version>"`', schema: { type: "string" } } };
export const ifMatch = {
  name: "If-Match",
  in: "header",
  required: false,
  description: 'Write only if the current version is this one (`"<version>"`); else 412',
  schema: { type: "string" },
};
export const ifNoneMatch = {
  name: "If-None-Match",
  in: "header",
  required: false,
  description: "`*`: create only; 412 when it exists",
  schema: { type: "string", const: "*" },
};
export const secured = [{ bearer: [] }];
