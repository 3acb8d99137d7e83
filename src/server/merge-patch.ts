import mergePatch from "json-merge-patch";
import { GitsyncError } from "../core/errors.js";
import type { JsonObject } from "../core/types.js";
import { REFUSED_KEYS } from "../validation/refused-keys.js";

export const MERGE_PATCH_TYPE = "application/merge-patch+json";

/**
 * The keys every path refuses are also the ones the patch library stops at part-way (leaving a
 * half-applied result): refused up front.
 */

function unsafeKey(value: unknown, at: string[]): string | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  for (const [key, child] of Object.entries(value)) {
    if (REFUSED_KEYS.has(key)) return [...at, key].join(".");
    const found = unsafeKey(child, [...at, key]);
    if (found !== null) return found;
  }
  return null;
}

/** The patch as an object, or a 400: every PATCH here targets a JSON object. */
export function requirePatchObject(patch: unknown): JsonObject {
  if (patch === undefined) throw new GitsyncError("bad_request", "request body is required", { fields: [] });
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) {
    throw new GitsyncError("bad_request", "a merge patch must be a JSON object", {
      fields: [{ field: "(root)", message: "must be an object" }],
    });
  }
  const bad = unsafeKey(patch, []);
  if (bad !== null) {
    throw new GitsyncError("bad_request", `invalid merge patch: ${bad} is not an allowed field name`, {
      fields: [{ field: bad, message: "is not an allowed field name" }],
    });
  }
  return patch as JsonObject;
}

/**
 * RFC 7396 applied to a copy of `target`: `null` removes a field, objects merge, anything else
 * (arrays included) replaces. The stored value is never mutated, so a refused result leaves
 * nothing half-changed.
 */
export function applyMergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  return mergePatch.apply(structuredClone(target), patch) as JsonObject;
}
