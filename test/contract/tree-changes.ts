/**
 * How a forge lists the difference of two trees, renames included: a file removed and a file
 * added with the same content are one rename (git's exact-rename detection, which GitHub,
 * GitLab and Bitbucket all apply to what they list). The fake forges share this.
 */
export interface TreeChange {
  path: string;
  status: "added" | "removed" | "modified" | "renamed";
  /** The old path of a rename. */
  previous?: string;
}

/** Equal keys mean equal content: a blob id (a string) or the file's bytes themselves. */
function keyOf(value: string | Uint8Array): string {
  return typeof value === "string" ? `id:${value}` : `bytes:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")}`;
}

/** `before` and `after` map each path to its blob id or its bytes; sorted by path. */
export function treeChanges(before: ReadonlyMap<string, string | Uint8Array>, after: ReadonlyMap<string, string | Uint8Array>): TreeChange[] {
  const removed = new Map<string, string[]>();
  for (const [path, value] of before) {
    if (after.has(path)) continue;
    const key = keyOf(value);
    removed.set(key, [...(removed.get(key) ?? []), path]);
  }
  const out: TreeChange[] = [];
  for (const [path, value] of after) {
    const old = before.get(path);
    const key = keyOf(value);
    if (old !== undefined && keyOf(old) === key) continue;
    if (old !== undefined) {
      out.push({ path, status: "modified" });
      continue;
    }
    const previous = removed.get(key)?.shift();
    out.push(previous === undefined ? { path, status: "added" } : { path, status: "renamed", previous });
  }
  for (const paths of removed.values()) for (const path of paths) out.push({ path, status: "removed" });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
