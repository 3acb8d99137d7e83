import type { Diagnostic, Severity } from "../core/types.js";
import type { Position } from "./positions.js";

export function diagnostic(
  file: string,
  at: Position,
  code: string,
  message: string,
  severity: Severity = "error",
): Diagnostic {
  return { file, line: at.line, column: at.column, code, severity, message };
}

const START: Position = { line: 1, column: 1 };
export const fileStart = (): Position => START;

/** Sorted by file, then line, then column, then code: the order every output uses. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
