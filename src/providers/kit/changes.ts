import type { ChangedFile } from "../../core/index.js";
import { byPath, isUnder } from "./paths.js";

/**
 * Changed files as the port promises them, whatever the forge reported: only those under the
 * folder, and a rename is a rename only when both its paths are under it. A rename into the
 * folder is an "added" of the new path, a rename out of it a "deleted" of the old one: seen
 * from the tenant, a file appeared or vanished.
 */
export function changesUnder(changes: readonly ChangedFile[], folder: string): ChangedFile[] {
  const out: ChangedFile[] = [];
  for (const change of changes) {
    const inside = isUnder(change.path, folder);
    if (change.status !== "renamed" || change.previousPath === undefined) {
      if (inside) out.push(change);
      continue;
    }
    const wasInside = isUnder(change.previousPath, folder);
    if (inside && wasInside) out.push(change);
    else if (inside) out.push({ path: change.path, status: "added" });
    else if (wasInside) out.push({ path: change.previousPath, status: "deleted" });
  }
  return out;
}

/**
 * The changes between two trees given as path → content or blob id (`same` compares two of
 * them). Used where a forge's own diff may be cut: it sees no renames, only adds and deletes.
 */
export function diffTrees<T>(before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>, same: (a: T, b: T) => boolean): ChangedFile[] {
  const changed: ChangedFile[] = [];
  for (const [path, content] of after) {
    const old = before.get(path);
    if (old === undefined) changed.push({ path, status: "added" });
    else if (!same(old, content)) changed.push({ path, status: "modified" });
  }
  for (const path of before.keys()) if (!after.has(path)) changed.push({ path, status: "deleted" });
  return changed.sort(byPath);
}
