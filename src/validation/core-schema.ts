import { FAILSAFE_SCHEMA, Type, type Schema } from "js-yaml";

/*
 * js-yaml's own CORE_SCHEMA is looser than YAML 1.2's core schema (it reads `0b101`, `1_000`
 * and `Null` forms its own way, and `-.5` or `1e400` differently), while the `yaml` package
 * follows the spec table. The fast path must give exactly the values the `yaml` path gives, so
 * plain scalars are resolved here with the core schema's own patterns, in the `yaml` package's
 * order: null, bool, int (octal, decimal, hex), float (.inf/.nan, exponent, fixed).
 */

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_DEC = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const isString = (data: unknown): data is string => typeof data === "string";

// Most plain scalars are words: a look at the first character spares them the patterns.
const NULL_START = new Set(["~", "n", "N"]);
const BOOL_START = new Set(["t", "T", "f", "F"]);
const NUMBER_START = new Set(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "-", "."]);
const startsWith = (data: unknown, starts: Set<string>): data is string => isString(data) && starts.has(data.charAt(0));

const nullType = new Type("tag:yaml.org,2002:null", {
  kind: "scalar",
  resolve: (data: unknown) => data === null || data === "" || (startsWith(data, NULL_START) && NULL.test(data)),
  construct: () => null,
});

const boolType = new Type("tag:yaml.org,2002:bool", {
  kind: "scalar",
  resolve: (data: unknown) => startsWith(data, BOOL_START) && BOOL.test(data),
  construct: (data: string) => data[0] === "t" || data[0] === "T",
});

const intType = new Type("tag:yaml.org,2002:int", {
  kind: "scalar",
  resolve: (data: unknown) => startsWith(data, NUMBER_START) && (INT_OCT.test(data) || INT_DEC.test(data) || INT_HEX.test(data)),
  construct: (data: string) =>
    INT_OCT.test(data) ? parseInt(data.substring(2), 8) : INT_DEC.test(data) ? parseInt(data, 10) : parseInt(data.substring(2), 16),
});

const floatType = new Type("tag:yaml.org,2002:float", {
  kind: "scalar",
  resolve: (data: unknown) => startsWith(data, NUMBER_START) && (FLOAT_NAN.test(data) || FLOAT_EXP.test(data) || FLOAT.test(data)),
  construct: (data: string) => {
    if (!FLOAT_NAN.test(data)) return parseFloat(data);
    if (data.slice(-3).toLowerCase() === "nan") return NaN;
    return data[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  },
});

/** YAML 1.2 core schema, resolved exactly as the `yaml` package resolves it. */
export const YAML_CORE_SCHEMA: Schema = FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });
