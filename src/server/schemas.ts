import type { Static, TObject, TSchema } from "@sinclair/typebox";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { componentSchemas } from "../api/components.js";
import { componentName } from "../api/kit.js";
import { GitsyncError } from "../core/errors.js";

export interface FieldError {
  field: string;
  message: string;
}

const API_ID = "gitsync-api";

/**
 * Request checking against the API's shapes (src/api), the same schemas the OpenAPI document
 * lists, so what the API accepts is what it documents and what the route's type says. One
 * instance per server (ajv caches compiled validators).
 */
export class ApiSchemas {
  readonly #ajv: Ajv2020;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor() {
    // `components` is OpenAPI's container, not a JSON Schema keyword; declared so strict mode
    // accepts it while `$ref: #/components/schemas/X` still resolves inside the document. The
    // shapes are the product's own code, checked against the 2020-12 meta-schema by the OpenAPI
    // test: checking them again at every start would compile the meta-schema, most of a start's
    // schema work.
    this.#ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: true, validateSchema: false });
    this.#ajv.addKeyword("components");
    this.#ajv.addSchema({ $id: API_ID, components: { schemas: componentSchemas } }, API_ID);
  }

  validator(shape: TSchema): ValidateFunction {
    const name = componentName(shape);
    let fn = this.#compiled.get(name);
    if (!fn) {
      const found = this.#ajv.getSchema(`${API_ID}#/components/schemas/${name}`);
      if (!found) throw new Error(`no API shape ${name}`);
      fn = found;
      this.#compiled.set(name, fn);
    }
    return fn;
  }

  /** Field errors for `value` against `name`, empty when valid. Messages never quote values. */
  errors(shape: TSchema, value: unknown): FieldError[] {
    const fn = this.validator(shape);
    return fn(value) ? [] : (fn.errors ?? []).map(fieldError);
  }

  /** The value as its shape's type, or a 400 naming each bad field. */
  check<T extends TSchema>(shape: T, value: unknown, where = "body"): Static<T> {
    if (value === undefined) {
      throw new GitsyncError("bad_request", `request ${where} is required`, { fields: [] });
    }
    const fields = this.errors(shape, value);
    if (fields.length > 0) {
      const first = fields[0]!;
      throw new GitsyncError("bad_request", `invalid request ${where}: ${first.field} ${first.message}`, { fields });
    }
    return value;
  }

  /**
   * A query string checked against its shape. Query values are text: those the shape declares
   * as integers are read as numbers first, so the schema judges them as it would in a body.
   */
  checkQuery<T extends TObject>(shape: T, query: URLSearchParams): Static<T> {
    const value: Record<string, string | number> = {};
    for (const [key, text] of query) {
      const type = (shape.properties[key] as { type?: unknown } | undefined)?.type;
      value[key] = type === "integer" && /^-?\d{1,15}$/.test(text) ? Number(text) : text;
    }
    return this.check(shape, value, "query");
  }
}

function fieldError(error: ErrorObject): FieldError {
  const path = error.instancePath.replace(/^\//, "").replace(/\//g, ".");
  const extra =
    error.keyword === "additionalProperties"
      ? String((error.params as { additionalProperty?: string }).additionalProperty)
      : error.keyword === "required"
        ? String((error.params as { missingProperty?: string }).missingProperty)
        : null;
  const field = [path, extra].filter((part) => part !== null && part !== "").join(".") || "(root)";
  const message = error.keyword === "additionalProperties" ? "is not a known field" : (error.message ?? "is invalid");
  return { field, message };
}
