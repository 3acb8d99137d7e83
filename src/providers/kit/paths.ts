/**
 * Repository paths as every adapter sees them: `/`-separated, no leading or trailing slash, ""
 * for the root. One rule for all providers, so a tenant's path means the same files everywhere.
 */

/** A folder as a connection or a caller wrote it, without leading or trailing slashes. */
export function normalizeDirectory(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}

/**
 * True when the file `path` lies inside `directory` (at any depth). The root holds everything;
 * a file named like the folder itself is not inside it (`models` is not under `models`), nor is
 * a sibling sharing its prefix (`models-old/a.yaml` is not under `models`).
 */
export function isUnder(path: string, directory: string): boolean {
  const folder = normalizeDirectory(directory);
  return folder === "" || path.startsWith(`${folder}/`);
}

/** The folder holding a file ("" at the root). */
export function folderOf(path: string): string {
  return path.split("/").slice(0, -1).join("/");
}

/** The deepest folder holding every path ("" when they only share the root). */
export function commonDirectory(paths: string[]): string {
  const folders = paths.map((p) => p.split("/").slice(0, -1));
  const first = folders[0] ?? [];
  let depth = first.length;
  for (const parts of folders) {
    let i = 0;
    while (i < depth && parts[i] === first[i]) i += 1;
    depth = i;
  }
  return first.slice(0, depth).join("/");
}

/** Sorts by path in code-unit order, as git lists trees. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
