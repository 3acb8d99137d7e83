import type { ChangedFile } from "../../core/index.js";
import { isUnder } from "./paths.js";

/**
 * The changes that concern files under `directory`, as every provider reports them: a rename
 * stays a rename only when both its paths are inside; a rename into the folder is an add, and
 * one out of it a delete of the old path.
 */
export function changesUnder(changes: ChangedFile[], directory: string): ChangedFile[] {
  const out: ChangedFile[] = [];
  for (const change of changes) {
    const inside = isUnder(change.path, directory);
    if (change.status !== "renamed" || change.previousPath === undefined) {
      if (inside) out.push(change);
    } else if (isUnder(change.previousPath, directory)) {
      out.push(inside ? change : { path: change.previousPath, status: "deleted" });
    } else if (inside) {
      out.push({ path: change.path, status: "added" });
    }
  }
  return out;
}
