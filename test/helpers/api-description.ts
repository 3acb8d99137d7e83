import { Ajv, type ValidateFunction } from "ajv";

/**
 * Holds HTTP exchanges to a vendor's OpenAPI 3.0 description: the route must be described, the
 * path and query parameters present and of the described type and enum, the JSON body and the
 * JSON reply must match their schemas. Schemas are compiled per operation on first use, with
 * `$ref`s resolved inside the document, so a 13 MB description costs one parse and only the
 * operations a test reaches.
 *
 * OpenAPI 3.0 dialect: `nullable: true` is rewritten once into JSON Schema (`null` added to the
 * type and to any enum, as the vendors mean it: GitHub's nullable enums answer null); a
 * `discriminator`, `example` and vendor `x-` keywords are annotations here. Formats are not checked (no format plugin is
 * installed): types, enums, required fields and shapes are.
 */

export interface Exchange {
  method: string;
  /** The path after the description's server prefix, still percent-encoded, with its query. */
  path: string;
  /** The request body as sent: parsed JSON, or the raw string, or undefined. */
  requestBody: unknown;
  requestContentType: string;
  status: number;
  /** The reply body: parsed JSON when the reply is JSON, else undefined (not checked). */
  responseBody: unknown;
}

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Json;
}
interface Operation {
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: Json | { $ref: string };
  responses?: Record<string, Json | { $ref: string }>;
}
interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  literal: number;
  operation: Operation;
  shared: (Parameter | { $ref: string })[];
}

const WIDE = /^(path|file_path|ref|name|spec|revspec|basehead)$/;
const METHODS = ["get", "put", "post", "delete", "patch", "head"];
const DOC = "vendor-description";

function routeOf(method: string, template: string, operation: Operation, shared: Route["shared"]): Route {
  const names: string[] = [];
  const trimmed = template.replace(/\/$/, "");
  const parts = trimmed.split(/(\{[^}]+\})/);
  const last = parts.length - 2;
  const source = parts
    .map((part, i) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      names.push(name);
      // Only a file path or a ref ending a template may hold slashes (and a path may be empty:
      // a folder listing's root); every other parameter is one segment.
      if (i !== last || parts[parts.length - 1] !== "" || !WIDE.test(name)) return "([^/]+)";
      return /path$/.test(name) ? "(.*)" : "(.+)";
    })
    .join("");
  const literal = trimmed.replace(/\{[^}]+\}/g, "").length;
  return { method, template, pattern: new RegExp(`^${source}/?$`), names, literal, operation, shared };
}

/**
 * Where a vendor's description is narrower than the vendor's own documented answers and
 * examples: each function edits a copy of the document used for request bodies and parameters,
 * or for replies.
 */
export interface Errata {
  requests?: (doc: Json) => void;
  replies?: (doc: Json) => void;
}

export class ApiDescription {
  readonly #doc: Json;
  readonly #replyDoc: Json;
  readonly #replies = new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: false });
  readonly #routes: Route[] = [];
  readonly #ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: false });
  readonly #coercing = new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: "array" });
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(
    readonly name: string,
    original: Json,
    errata: Errata = {},
  ) {
    const doc = withoutNullable(original);
    this.#replyDoc = errata.replies ? structuredClone(doc) : doc;
    errata.replies?.(this.#replyDoc);
    errata.requests?.(doc);
    this.#doc = doc;
    for (const ajv of [this.#ajv, this.#coercing]) ajv.addSchema({ $id: DOC, components: doc.components ?? {} });
    this.#replies.addSchema({ $id: DOC, components: this.#replyDoc.components ?? {} });
    for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
      const shared = (item.parameters ?? []) as Route["shared"];
      for (const method of METHODS) {
        const operation = item[method] as Operation | undefined;
        if (operation) this.#routes.push(routeOf(method.toUpperCase(), template, operation, shared));
      }
    }
  }

  /** The problems found in one exchange, each naming the route; empty when it conforms. */
  check(exchange: Exchange): string[] {
    const [rawPath, rawQuery = ""] = exchange.path.split("?", 2) as [string, string?];
    const found = this.#match(exchange.method, rawPath);
    const where = `${this.name}: ${exchange.method} ${rawPath}`;
    if (!found) return [`${where}: no such route in the description`];
    const { route, values } = found;
    const label = `${this.name}: ${exchange.method} ${route.template}`;
    return [
      ...this.#checkParameters(label, route, values, new URLSearchParams(rawQuery)),
      ...this.#checkRequestBody(label, route, exchange),
      ...this.#checkResponse(label, route, exchange),
    ];
  }

  #match(method: string, path: string): { route: Route; values: Record<string, string> } | null {
    let best: { route: Route; values: Record<string, string> } | null = null;
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (best && best.route.literal >= route.literal) continue;
      const values: Record<string, string> = {};
      route.names.forEach((name, i) => (values[name] = decodeURIComponent(m[i + 1] ?? "")));
      best = { route, values };
    }
    return best;
  }

  #resolve<T>(value: T | { $ref: string }, doc = this.#doc): T {
    let current: unknown = value;
    while (current && typeof current === "object" && "$ref" in current) {
      const pointer = String((current as { $ref: string }).$ref).replace(/^#\//, "").split("/");
      current = pointer.reduce<unknown>((node, key) => (node as Json)[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
    }
    return current as T;
  }

  #validator(key: string, schema: Json, mode: "body" | "parameter" | "reply" = "body"): ValidateFunction {
    const cacheKey = `${mode}:${key}`;
    let compiled = this.#compiled.get(cacheKey);
    if (!compiled) {
      const ajv = mode === "parameter" ? this.#coercing : mode === "reply" ? this.#replies : this.#ajv;
      compiled = ajv.compile(rebase(schema));
      this.#compiled.set(cacheKey, compiled);
    }
    return compiled;
  }

  #checkParameters(label: string, route: Route, values: Record<string, string>, query: URLSearchParams): string[] {
    const params = [...route.shared, ...(route.operation.parameters ?? [])].map((p) => this.#resolve(p));
    const problems: string[] = [];
    const known = new Set(params.filter((p) => p.in === "query").map((p) => p.name));
    for (const name of new Set(query.keys())) {
      if (!known.has(name)) problems.push(`${label}: query parameter "${name}" is not described`);
    }
    for (const param of params) {
      if (param.in !== "path" && param.in !== "query") continue;
      const given = param.in === "path" ? values[param.name] : query.getAll(param.name);
      const missing = given === undefined || (Array.isArray(given) && given.length === 0);
      if (missing) {
        if (param.required) problems.push(`${label}: required ${param.in} parameter "${param.name}" is missing`);
        continue;
      }
      const schema = param.schema ?? {};
      const value = Array.isArray(given) && schema.type !== "array" ? given[0] : given;
      const holder = { value };
      const validate = this.#validator(`${route.method} ${route.template} ${param.in}:${param.name}`, { type: "object", properties: { value: schema } }, "parameter");
      if (!validate(holder)) problems.push(`${label}: ${param.in} parameter "${param.name}" = ${JSON.stringify(value)}: ${describe(validate)}`);
    }
    return problems;
  }

  #checkRequestBody(label: string, route: Route, exchange: Exchange): string[] {
    const described = route.operation.requestBody ? this.#resolve(route.operation.requestBody) : undefined;
    const absent = exchange.requestBody === undefined || exchange.requestBody === "";
    if (!described) return absent ? [] : [`${label}: sends a body where none is described`];
    if (absent) return described.required ? [`${label}: the required request body is missing`] : [];
    const content = (described.content ?? {}) as Record<string, { schema?: Json }>;
    const type = exchange.requestContentType.split(";")[0]?.trim() ?? "";
    const entry = content[type] ?? (type === "" ? Object.values(content)[0] : undefined);
    if (!entry) return [`${label}: request content type "${type}" is not described (${Object.keys(content).join(", ")})`];
    if (!entry.schema || typeof exchange.requestBody === "string") return [];
    const validate = this.#validator(`${route.method} ${route.template} body:${type}`, entry.schema);
    return validate(exchange.requestBody) ? [] : [`${label}: request body: ${describe(validate)}`];
  }

  #checkResponse(label: string, route: Route, exchange: Exchange): string[] {
    const operation = this.#resolve<Json>({ $ref: `#/paths/${route.template.replace(/~/g, "~0").replace(/\//g, "~1")}/${route.method.toLowerCase()}` }, this.#replyDoc) as Operation;
    const responses = operation.responses ?? {};
    const status = String(exchange.status);
    const listed = responses[status] ?? responses[`${status[0]}XX`] ?? responses.default;
    // Errors a forge may answer on any route (rate limits, outages, a revoked token) are
    // documented once for the whole API rather than per route.
    if (!listed) return exchange.status >= 400 ? [] : [`${label}: answers ${status}, which the description does not list`];
    if (exchange.responseBody === undefined) return [];
    const content = (this.#resolve(listed, this.#replyDoc).content ?? {}) as Record<string, { schema?: Json }>;
    const entry = Object.entries(content).find(([type]) => /json/.test(type))?.[1];
    if (!entry?.schema) return [];
    const validate = this.#validator(`${route.method} ${route.template} reply:${status}`, entry.schema, "reply");
    return validate(exchange.responseBody) ? [] : [`${label}: ${status} reply: ${describe(validate)}`];
  }
}

/** Rewrites OpenAPI 3.0's `nullable` into JSON Schema, in place, everywhere in the document. */
function withoutNullable<T>(node: T): T {
  if (Array.isArray(node)) {
    for (const item of node) withoutNullable(item);
    return node;
  }
  if (node === null || typeof node !== "object") return node;
  const schema = node as Json;
  for (const value of Object.values(schema)) withoutNullable(value);
  if (schema.nullable !== true) return node;
  delete schema.nullable;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
  if (typeof schema.type === "string") schema.type = [schema.type, "null"];
  else if (schema.type === undefined) {
    const inner = { ...schema };
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [inner, { type: "null" }];
  }
  return node;
}

/** Points the document's local `$ref`s at the components registered under DOC. */
function rebase(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${DOC}#/`)) as Json;
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : ""}`)
    .join("; ");
}
