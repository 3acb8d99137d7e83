import { isUtf8 } from "node:buffer";
import type { Diagnostic } from "../core/types.js";
import { DEPTH_MESSAGE } from "./depth.js";
import { diagnostic } from "./diagnostic.js";
import { MAX_DEPTH } from "./limits.js";
import { Positions } from "./positions.js";

export type StrictJson = { ok: true; value: unknown } | { ok: false; diagnostic: Diagnostic };

/**
 * Reads JSON bytes under the rules a config file is read by, with the same rule codes: UTF-8
 * only (`encoding`), no NUL character in any string (`encoding`), no key twice in one object
 * (`duplicate-key`, which JSON.parse would hide by keeping the last), nesting within MAX_DEPTH
 * (`depth`). `file` names the input in the diagnostic. Messages never quote the input: it may
 * hold a credential.
 */
export function readStrictJson(bytes: Buffer, file: string): StrictJson {
  if (!isUtf8(bytes)) {
    const lossy = bytes.toString("utf8");
    const at = new Positions(lossy, undefined).at(Math.max(0, lossy.indexOf("\uFFFD")));
    return { ok: false, diagnostic: diagnostic(file, at, "encoding", "not valid UTF-8") };
  }
  const text = bytes.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8 says where ("at position N"); the rest of its message may quote the input.
    const offset = /position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
    const at = new Positions(text, undefined).at(offset === undefined ? 0 : Number(offset));
    return { ok: false, diagnostic: diagnostic(file, at, "syntax", "not valid JSON") };
  }
  const problem = scanJson(text);
  if (problem) return { ok: false, diagnostic: diagnostic(file, new Positions(text, undefined).at(problem.offset), problem.code, problem.message) };
  return { ok: true, value };
}

interface Open {
  /** The keys seen so far in an object; null for an array. */
  keys: Set<string> | null;
  expectKey: boolean;
}

/**
 * The first problem JSON.parse lets through, in text already known to be valid JSON: one pass
 * with an explicit stack, since the input may be nested far deeper than recursion could follow.
 */
function scanJson(text: string): { offset: number; code: string; message: string } | null {
  const stack: Open[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      stack.push({ keys: c === 0x7b ? new Set() : null, expectKey: c === 0x7b });
      if (stack.length > MAX_DEPTH) return { offset: i, code: "depth", message: DEPTH_MESSAGE };
    } else if (c === 0x7d || c === 0x5d) stack.pop();
    else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    } else if (c === 0x22) {
      const end = stringEnd(text, i);
      const raw = text.slice(i, end + 1);
      const decoded = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      const top = stack[stack.length - 1];
      const key = top?.keys && top.expectKey ? top.keys : null;
      if (decoded.includes("\u0000")) {
        return { offset: i, code: "encoding", message: `${key ? "a key" : "a string"} holds a NUL character: values are text` };
      }
      if (key && top) {
        if (key.has(decoded)) return { offset: i, code: "duplicate-key", message: `duplicate key '${decoded.slice(0, 60)}' in this object` };
        key.add(decoded);
        top.expectKey = false;
      }
      i = end;
    }
  }
  return null;
}

/** The offset of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; ; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i;
  }
}
