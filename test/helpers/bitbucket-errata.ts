import type { Errata } from "./api-description.js";

/**
 * Where Atlassian's Bitbucket Cloud OpenAPI document is narrower than Bitbucket's documented
 * behaviour. The vendored copy stays verbatim; these edits are applied when it is loaded.
 *
 * Requests:
 * - `page`, `pagelen`, `q`, `sort` and `fields` are accepted on every list, documented once
 *   under "Pagination", "Filter and sort API objects" and "Partial responses" in the REST
 *   introduction (https://developer.atlassian.com/cloud/bitbucket/rest/intro/), not per route.
 * - `POST /src` takes `multipart/form-data` or `application/x-www-form-urlencoded` (the route's
 *   own description; the document lists no body).
 * - `POST /refs/branches` takes `{name, target: {hash}}` (the route's own description and
 *   example; the document lists no body).
 * - The base `object` schema requires `type`, which Bitbucket fills in itself: none of the
 *   request examples (reports, annotations, statuses, pull requests) send it.
 *
 * Replies:
 * - Optional fields are answered as `null` when unset (a status's `refname`, a report's `link`,
 *   a diffstat's `old` for an added file), so every optional property may be null.
 * - Objects carry more than the document lists (`type: "rendered"` in rendered text, more
 *   `links`), so `additionalProperties: false` is not held against replies. Types, enums and
 *   required fields still are.
 */

type Json = Record<string, unknown>;

function walk(node: unknown, visit: (schema: Json) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (node === null || typeof node !== "object") return;
  for (const value of Object.values(node as Json)) walk(value, visit);
  visit(node as Json);
}

const LIST_PARAMETERS = [
  { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
  { name: "pagelen", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } },
  { name: "q", in: "query", schema: { type: "string" } },
  { name: "sort", in: "query", schema: { type: "string" } },
  { name: "fields", in: "query", schema: { type: "string" } },
];

function paths(doc: Json): Record<string, Json> {
  return doc.paths as Record<string, Json>;
}

function acceptListParameters(doc: Json): void {
  for (const item of Object.values(paths(doc))) {
    const get = item.get as { parameters?: { name?: string }[] } | undefined;
    if (!get) continue;
    const named = new Set((get.parameters ?? []).map((p) => p.name));
    get.parameters = [...(get.parameters ?? []), ...LIST_PARAMETERS.filter((p) => !named.has(p.name))];
  }
}

function describeUndocumentedBodies(doc: Json): void {
  const repo = "/repositories/{workspace}/{repo_slug}";
  const form = { schema: { type: "object" } };
  (paths(doc)[`${repo}/src`]!.post as Json).requestBody = {
    required: true,
    content: { "multipart/form-data": form, "application/x-www-form-urlencoded": form },
  };
  (paths(doc)[`${repo}/refs/branches`]!.post as Json).requestBody = {
    required: true,
    content: {
      "application/json": {
        schema: {
          type: "object",
          required: ["name", "target"],
          additionalProperties: false,
          properties: { name: { type: "string", minLength: 1 }, target: { type: "object", required: ["hash"], properties: { hash: { type: "string" } } } },
        },
      },
    },
  };
}

function typeFilledInByBitbucket(doc: Json): void {
  const base = (doc.components as { schemas: Record<string, Json> }).schemas.object!;
  delete base.required;
}

function optionalMayBeNull(doc: Json): void {
  walk(doc.components, (schema) => {
    delete schema.additionalProperties;
    const properties = schema.properties as Record<string, Json> | undefined;
    if (!properties || typeof properties !== "object") return;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries(properties)) {
      if (!required.has(name) && property && typeof property === "object") properties[name] = { anyOf: [property, { type: "null" }] };
    }
  });
}

export const bitbucketErrata: Errata = {
  requests(doc) {
    acceptListParameters(doc);
    describeUndocumentedBodies(doc);
    typeFilledInByBitbucket(doc);
  },
  replies: optionalMayBeNull,
};
