import type { z } from "zod";
import { GitsyncError } from "../../core/index.js";

/**
 * An API answer checked against its schema (each adapter's `schema.ts`). A forge's typings
 * describe what the API promises, not what a proxy or a changed API returns: a mismatch fails
 * here, naming the answer and the field (`files[3].status`), instead of letting `undefined`
 * travel into the sync engine. Only the first problem is named; the value itself never is (it
 * may be a file's content).
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? "(response)" : fieldPath(issue.path);
  const reason = issue?.message ?? "unexpected value";
  throw new GitsyncError("provider_error", `${what}: field ${field}: ${reason}`, { field });
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`), "");
}
