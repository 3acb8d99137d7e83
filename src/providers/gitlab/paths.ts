/** Repository paths: `/`-separated, no leading or trailing slash; "" is the root. */

export function normalizeDirectory(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}

export function isUnder(path: string, directory: string): boolean {
  return directory === "" || path === directory || path.startsWith(`${directory}/`);
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
