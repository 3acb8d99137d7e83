import { blobId } from "./tree-builder.js";
import { parseUnifiedDiff, type DiffSection } from "./unified-diff.js";

/**
 * Files read from a forge's diff instead of one request each: a diff asked with more context
 * than any file has lines carries each changed file's whole new side in one hunk. Whether it
 * really did cannot be told from the diff's length (a diff cut short, given less context than
 * asked, or re-encoded looks the same), so each rebuilt file is held to the blob id its own
 * `index <old>..<new>` line names: git's object id of the bytes (`blob <size>\0` + bytes) must
 * start with it. A file that has no such line, no new side, binary content, a mode other than a
 * regular file's, or bytes that do not hash to its id is left out, and the caller reads it the
 * usual way: a wrong diff costs a request, never a wrong file.
 */

/** The shortest abbreviated blob id taken: git's own default abbreviation. */
const MIN_ABBREV = 7;
const REGULAR_FILE = new Set(["100644", "100755"]);

/** True when `content` is the blob `abbrev` names (SHA-1, or SHA-256 for a longer id). */
export function matchesBlobId(content: Buffer, abbrev: string): boolean {
  const id = abbrev.toLowerCase();
  if (!/^[0-9a-f]+$/.test(id) || id.length < MIN_ABBREV || /^0+$/.test(id)) return false;
  return blobId(content, id.length > 40 ? "sha256" : "sha1").startsWith(id);
}

/** The path a section's new side belongs to: its `+++` line's, which its header must not contradict. */
function pathOf(section: DiffSection): string | null {
  const path = section.hasNewPathLine ? section.newPath : section.headerPath;
  if (path === null || (section.headerPath !== null && section.headerPath !== path)) return null;
  return path;
}

function verified(section: DiffSection): Buffer | null {
  if (section.unreadable || section.deleted || section.newBlob === null) return null;
  if (section.newMode === null || !REGULAR_FILE.has(section.newMode)) return null;
  const content = Buffer.concat(section.lines);
  return matchesBlobId(content, section.newBlob) ? content : null;
}

/**
 * The new side of each file a raw git diff holds whole, path → bytes, each checked against the
 * blob id of its `index` line. A path named by two sections is left out: which one to believe?
 */
export function newFilesFromDiff(diff: Uint8Array): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const seen = new Set<string>();
  for (const section of parseUnifiedDiff(diff)) {
    const path = pathOf(section);
    if (path === null) continue;
    if (seen.has(path)) {
      files.delete(path);
      continue;
    }
    seen.add(path);
    const content = verified(section);
    if (content !== null) files.set(path, content);
  }
  return files;
}
