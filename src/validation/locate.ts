import type { Catalog } from "../catalog/catalog.js";
import type { Kind } from "../catalog/kind.js";
import type { FileFormat } from "../core/types.js";

export interface FileLocation {
  kind: Kind;
  /** The resource name: the file's base name without extension. */
  name: string;
  format: FileFormat;
}

/**
 * Which resource a repository path holds: `<basePath>/<folder>/<name>.<ext>` with a known folder.
 * Anything else (other folders, subfolders, other extensions) is not config: null.
 */
export function locateFile(catalog: Catalog, basePath: string, path: string): FileLocation | null {
  // Most calls (a whole tree, no base path) need none of the normalising below.
  const base = basePath === "" ? "" : basePath.replace(/\\/g, "/").replace(/^\/+|\/+$/g, "");
  let rel = path.includes("\\") || path.startsWith("./") ? path.replace(/\\/g, "/").replace(/^\.\//, "") : path;
  if (base !== "") {
    if (!rel.startsWith(`${base}/`)) return null;
    rel = rel.slice(base.length + 1);
  }
  const slash = rel.indexOf("/");
  if (slash <= 0 || rel.indexOf("/", slash + 1) !== -1) return null;
  const kind = catalog.byFolder(rel.slice(0, slash));
  if (!kind) return null;
  // The extension by hand, not a regular expression: this runs once per file of a whole tree.
  const dot = rel.lastIndexOf(".");
  if (dot <= slash + 1) return null;
  const ext = rel.slice(dot + 1);
  if (ext !== "yaml" && ext !== "yml" && ext !== "json") return null;
  return { kind, name: rel.slice(slash + 1, dot), format: ext === "json" ? "json" : "yaml" };
}
