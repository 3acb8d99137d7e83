import { isUtf8 } from "node:buffer";
import type { Kind } from "../catalog/kind.js";
import type { FileFormat, JsonObject } from "../core/types.js";
import { parseFast } from "./fast-parse.js";
import { hasOccurrence } from "./fields.js";
import { MAX_FILE_BYTES } from "./parse.js";

export interface CleanFile {
  body: JsonObject;
  /** The decoded text, kept so positions can still be computed if a cross-file rule asks. */
  text: string;
}

/**
 * A file that is valid on its own, established without positions: decodes, parses on the fast
 * path, has no secret field, passes its kind's schema and its `name` matches. Null means "take
 * the full path", which then finds and locates whatever is wrong (or proves nothing is).
 */
export function cleanFile(content: string | Uint8Array, format: FileFormat, kind: Kind, name: string): CleanFile | null {
  let text: string;
  if (typeof content === "string") {
    if (content.length * 3 > MAX_FILE_BYTES) return null;
    text = content;
  } else {
    if (content.byteLength > MAX_FILE_BYTES) return null;
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    if (!isUtf8(bytes)) return null;
    text = bytes.toString("utf8");
  }
  const body = parseFast(text, format);
  if (!body) return null;
  for (const path of kind.secrets) if (hasOccurrence(body, path)) return null;
  if (!kind.validate(body)) return null;
  // Not `body.name`: each kind's bodies have their own shapes, and a property load that met them
  // kind by kind threw away the optimised check at each new kind (then compiled it again).
  const declared: unknown = Reflect.get(body, "name");
  if (typeof declared === "string" && declared !== name) return null;
  return { body, text };
}
