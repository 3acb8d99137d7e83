import { GitsyncError } from "../../core/index.js";

/**
 * Readers that turn an untyped API response into checked values. GitHub's typings describe
 * what the API promises, not what a proxy or a changed API returns, so the mappers check and
 * name the field that is wrong instead of letting `undefined` travel into the sync engine.
 */
export type Json = Record<string, unknown>;

function fail(what: string, field: string, expected: string, value: unknown): never {
  const found = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  throw new GitsyncError("provider_error", `GitHub ${what}: field ${field} should be ${expected}, found ${found}`, {
    field,
  });
}

export function obj(what: string, value: unknown, field = "(response)"): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(what, field, "an object", value);
  return value as Json;
}

export function arr(what: string, value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) fail(what, field, "an array", value);
  return value;
}

export function str(what: string, o: Json, field: string): string {
  const v = o[field];
  if (typeof v !== "string") fail(what, field, "a string", v);
  return v;
}

export function optStr(what: string, o: Json, field: string): string | null {
  const v = o[field];
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") fail(what, field, "a string or null", v);
  return v;
}

export function num(what: string, o: Json, field: string): number {
  const v = o[field];
  if (typeof v !== "number" || !Number.isFinite(v)) fail(what, field, "a number", v);
  return v;
}

export function bool(what: string, o: Json, field: string): boolean {
  const v = o[field];
  if (typeof v !== "boolean") fail(what, field, "a boolean", v);
  return v;
}

export function child(what: string, o: Json, field: string): Json {
  return obj(what, o[field], field);
}

export function sha(what: string, o: Json, field: string): string {
  const v = str(what, o, field);
  if (!/^[0-9a-f]{40}$/.test(v)) fail(what, field, "a 40-hex sha", v);
  return v;
}
