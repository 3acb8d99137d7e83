import { createRequire } from "node:module";
import type { Schema } from "js-yaml";

const require = createRequire(import.meta.url);

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

const isNull = (data: unknown): boolean => data === null || data === "" || (startsWith(data, NULL_START) && NULL.test(data));
const isBool = (data: unknown): data is string => startsWith(data, BOOL_START) && BOOL.test(data);
const isInt = (data: unknown): data is string => startsWith(data, NUMBER_START) && (INT_OCT.test(data) || INT_DEC.test(data) || INT_HEX.test(data));
const isFloat = (data: unknown): data is string =>
  startsWith(data, NUMBER_START) && (FLOAT_NAN.test(data) || FLOAT_EXP.test(data) || FLOAT.test(data));

const toBool = (data: string): boolean => data[0] === "t" || data[0] === "T";
const toInt = (data: string): number =>
  INT_OCT.test(data) ? parseInt(data.substring(2), 8) : INT_DEC.test(data) ? parseInt(data, 10) : parseInt(data.substring(2), 16);
const toFloat = (data: string): number => {
  if (!FLOAT_NAN.test(data)) return parseFloat(data);
  if (data.slice(-3).toLowerCase() === "nan") return NaN;
  return data[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
};

/** A plain (unquoted) scalar's value under the core schema, exactly as the `yaml` package reads it. */
export function resolvePlainScalar(text: string): string | number | boolean | null {
  if (text.length > 0 && !mayNotBeString(text.charCodeAt(0))) return text;
  if (isNull(text)) return null;
  if (isBool(text)) return toBool(text);
  if (isInt(text)) return toInt(text);
  if (isFloat(text)) return toFloat(text);
  return text;
}

/** Whether a scalar starting with this character can resolve to anything but a string: most are words. */
function mayNotBeString(c: number): boolean {
  // ~ n N t T f F, digits, + - .
  return c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/**
 * js-yaml, loaded on first use: the plain-subset reader answers for most files, so a clean tree
 * never needs it, and loading it is a visible share of a fresh `gitsync validate`. Under Node `require` gives its
 * CommonJS build, the same code as its ES module.
 */
export function jsYaml(): typeof import("js-yaml") {
  return require("js-yaml") as typeof import("js-yaml");
}

let coreSchema: Schema | undefined;

/** YAML 1.2 core schema for js-yaml, resolved exactly as the `yaml` package resolves it. Built once. */
export function yamlCoreSchema(): Schema {
  if (coreSchema) return coreSchema;
  const { FAILSAFE_SCHEMA, Type } = jsYaml();
  const nullType = new Type("tag:yaml.org,2002:null", { kind: "scalar", resolve: isNull, construct: () => null });
  const boolType = new Type("tag:yaml.org,2002:bool", { kind: "scalar", resolve: isBool, construct: toBool });
  const intType = new Type("tag:yaml.org,2002:int", { kind: "scalar", resolve: isInt, construct: toInt });
  const floatType = new Type("tag:yaml.org,2002:float", { kind: "scalar", resolve: isFloat, construct: toFloat });
  coreSchema = FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });
  return coreSchema;
}
