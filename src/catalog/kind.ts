import type { ValidateFunction } from "ajv/dist/2020.js";
import type { FieldPath, SchemaNode } from "./schema-walk.js";

/** A field naming another resource (or a connection): `path` uses `*` for any array item. */
export interface ReferenceField {
  path: FieldPath;
  /** The id of the kind it names. */
  target: string;
}

/** One kind of resource, as its schema file defines it. */
export interface Kind {
  /** `model`, `sync`, ...: the schema file's name without `.schema.json`. */
  readonly id: string;
  /** Folder in the repository (`models`, ...). */
  readonly folder: string;
  /** False for kinds that live only in the tenant (connections): never in git. */
  readonly exported: boolean;
  readonly schema: SchemaNode;
  /** The schema compiled once; `errors` is set after each call, as ajv does. */
  readonly validate: ValidateFunction;
  readonly references: readonly ReferenceField[];
  /** Fields never written to git, an export, a log, a check or a comment. */
  readonly secrets: readonly FieldPath[];
  /** Where the schema came from, for error messages. */
  readonly source: string;
}

/** Human form of a field path: `tasks[*].sourceConnection`. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number" || part === "*" || /^\d+$/.test(part)) out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}
