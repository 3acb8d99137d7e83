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

/** `before` and `after` map each path to its content or blob id; sorted by path. */
export function treeChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): TreeChange[] {
  const removed = new Map<string, string[]>();
  for (const [path, value] of before) {
    if (after.has(path)) continue;
    removed.set(value, [...(removed.get(value) ?? []), path]);
  }
  const out: TreeChange[] = [];
  for (const [path, value] of after) {
    const old = before.get(path);
    if (old === value) continue;
    if (old !== undefined) {
      out.push({ path, status: "modified" });
      continue;
    }
    const previous = removed.get(value)?.shift();
    out.push(previous === undefined ? { path, status: "added" } : { path, status: "renamed", previous });
  }
  for (const paths of removed.values()) for (const path of paths) out.push({ path, status: "removed" });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
