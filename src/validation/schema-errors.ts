import type { ErrorObject } from "ajv/dist/2020.js";
import { formatFieldPath, type Kind } from "../catalog/kind.js";
import { isSchemaNode, resolvePointer, type SchemaNode } from "../catalog/schema-walk.js";
import type { Diagnostic, JsonValue } from "../core/types.js";
import { diagnostic } from "./diagnostic.js";
import type { InstancePath, Positions } from "./positions.js";
import { nearest } from "./suggest.js";

/**
 * Turns ajv's errors into diagnostics that name the field and point at it. Messages never
 * contain the instance's values (a value may be a secret); they may contain the schema's.
 */
export function schemaDiagnostics(
  file: string,
  kind: Kind,
  errors: readonly ErrorObject[],
  value: JsonValue,
  positions: Positions,
  skip: (path: InstancePath) => boolean,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // An unmet `then` is reported through its own keywords' errors.
    if (error.keyword === "if") continue;
    const path = instancePath(error.instancePath, value);
    if (skip(path)) continue;
    const field = formatFieldPath(path);
    const when = condition(kind.schema, error.schemaPath);
    let d: Diagnostic;
    switch (error.keyword) {
      case "additionalProperties": {
        const name = String((error.params as { additionalProperty: string }).additionalProperty);
        const full = [...path, name];
        if (skip(full)) continue;
        const known = knownProperties(error.parentSchema);
        const guess = nearest(name, known);
        const where = path.length === 0 ? "" : ` in '${field}'`;
        const hint = guess ? `; did you mean '${guess}'?` : known.length > 0 ? `; known fields: ${known.join(", ")}` : "";
        d = diagnostic(file, positions.key(full), "unknown-field", `unknown field '${name}'${where}${hint}`);
        break;
      }
      case "required": {
        const name = String((error.params as { missingProperty: string }).missingProperty);
        d = diagnostic(
          file,
          path.length === 0 ? positions.start() : positions.key(path),
          "schema",
          `missing required field '${formatFieldPath([...path, name])}'${when}`,
        );
        break;
      }
      case "false schema":
        d = diagnostic(file, positions.key(path), "schema", `field '${field}' is not allowed${when}`);
        break;
      default:
        d = diagnostic(file, positions.value(path), "schema", `${subject(field)} ${describe(error)}${when}`);
    }
    const key = `${d.line}:${d.column}:${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

function subject(field: string): string {
  return field === "" ? "the file" : `field '${field}'`;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const parent = isSchemaNode(error.parentSchema) ? error.parentSchema : {};
  switch (error.keyword) {
    case "type":
      return `must be ${String(params["type"]).split(",").join(" or ")}`;
    case "enum": {
      const allowed = (params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v));
      const guess = typeof error.data === "string" ? nearest(error.data, allowed.map((a) => a.replace(/^"|"$/g, ""))) : null;
      return `must be one of ${allowed.join(", ")}${guess ? ` (did you mean '${guess}'?)` : ""}`;
    }
    case "const":
      return `must be ${JSON.stringify(params["allowedValue"])}`;
    case "pattern":
      return typeof parent["description"] === "string"
        ? `must be ${parent["description"]}`
        : `must match the pattern ${String(params["pattern"])}`;
    case "format":
      return params["format"] === "cron"
        ? "must be a valid 5-field cron expression (minute hour day-of-month month day-of-week)"
        : `must be a valid ${String(params["format"])}`;
    case "minLength":
      return params["limit"] === 1 ? "must not be empty" : `must be at least ${String(params["limit"])} characters long`;
    case "minItems":
      return `must have at least ${String(params["limit"])} item${params["limit"] === 1 ? "" : "s"}`;
    case "uniqueItems":
      return `must not repeat an item (items ${String(params["j"])} and ${String(params["i"])} are equal)`;
    default:
      // ajv's own messages state the rule, never the instance's value.
      return error.message ?? "is invalid";
  }
}

function knownProperties(schema: unknown): string[] {
  if (!isSchemaNode(schema) || !isSchemaNode(schema["properties"])) return [];
  return Object.keys(schema["properties"]);
}

/** " when type is table" for an error raised inside an if/then/else on a sibling's value. */
function condition(root: SchemaNode, schemaPath: string): string {
  const match = /^(.*)\/(then|else)(\/|$)/.exec(schemaPath);
  if (!match) return "";
  const test = resolvePointer(root, `${match[1]}/if`);
  if (!isSchemaNode(test) || !isSchemaNode(test["properties"])) return "";
  const [name, sub] = Object.entries(test["properties"])[0] ?? [];
  if (name === undefined || !isSchemaNode(sub) || !("const" in sub)) return "";
  const value = typeof sub["const"] === "string" ? sub["const"] : JSON.stringify(sub["const"]);
  return ` when ${name} is ${match[2] === "else" ? "not " : ""}${value}`;
}

/** ajv's instancePath as keys and indexes, reading the instance to tell `/0` index from key. */
function instancePath(pointer: string, value: JsonValue): (string | number)[] {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let node: JsonValue | undefined = value;
  for (const raw of pointer.slice(1).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      const index = Number(part);
      out.push(index);
      node = node[index];
    } else {
      out.push(part);
      node = node !== null && typeof node === "object" ? node[part] : undefined;
    }
  }
  return out;
}
