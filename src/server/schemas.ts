import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { GitsyncError } from "../core/errors.js";
import { openapi, type SchemaName } from "./openapi.js";

export interface FieldError {
  field: string;
  message: string;
}

const API_ID = "gitsync-api";

/**
 * Request and response checking against the OpenAPI document's own schemas, so what the API
 * accepts is what it documents. One instance per server (ajv caches compiled validators).
 */
export class ApiSchemas {
  readonly #ajv: Ajv2020;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor() {
    // `components` is OpenAPI's container, not a JSON Schema keyword; declared so strict mode
    // accepts it while `$ref: #/components/schemas/X` still resolves inside the document.
    this.#ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: true });
    this.#ajv.addKeyword("components");
    this.#ajv.addSchema({ $id: API_ID, components: openapi.components }, API_ID);
  }

  validator(name: SchemaName): ValidateFunction {
    let fn = this.#compiled.get(name);
    if (!fn) {
      const found = this.#ajv.getSchema(`${API_ID}#/components/schemas/${name}`);
      if (!found) throw new Error(`no schema ${name} in the OpenAPI document`);
      fn = found;
      this.#compiled.set(name, fn);
    }
    return fn;
  }

  /** Field errors for `value` against `name`, empty when valid. Messages never quote values. */
  errors(name: SchemaName, value: unknown): FieldError[] {
    const fn = this.validator(name);
    return fn(value) ? [] : (fn.errors ?? []).map(fieldError);
  }

  /** Throws a 400 naming each bad field. */
  check<T>(name: SchemaName, value: unknown, where = "body"): T {
    if (value === undefined) {
      throw new GitsyncError("bad_request", `request ${where} is required`, { fields: [] });
    }
    const fields = this.errors(name, value);
    if (fields.length > 0) {
      const first = fields[0]!;
      throw new GitsyncError("bad_request", `invalid request ${where}: ${first.field} ${first.message}`, { fields });
    }
    return value as T;
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
