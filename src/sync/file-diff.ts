import { structuredPatch } from "diff";
import type { ChangedFileStatus, FileContent, GitProvider, RepoRef } from "../core/index.js";
import { textOf } from "../core/index.js";

/**
 * Changed files as a forge shows them: unified-diff hunks computed from the two versions'
 * bytes, so every provider (and the local one) yields the same shape.
 */

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Each line prefixed with " ", "+" or "-", as in a unified diff, without its newline. */
  lines: string[];
}

export interface FileDiff {
  path: string;
  status: ChangedFileStatus;
  previousPath?: string;
  /** True when either side is not UTF-8 text: no hunks are shown for it. */
  binary: boolean;
  hunks: DiffHunk[];
}

/** Lines of context around each change, as forges show by default. */
const CONTEXT = 3;

/** The hunks that turn `before` into `after`; `\ No newline at end of file` markers dropped. */
export function diffTexts(before: string, after: string): DiffHunk[] {
  const patch = structuredPatch("a", "b", before, after, undefined, undefined, { context: CONTEXT });
  return patch.hunks.map((h) => ({
    oldStart: h.oldStart,
    oldLines: h.oldLines,
    newStart: h.newStart,
    newLines: h.newLines,
    lines: h.lines.filter((line) => !line.startsWith("\\")),
  }));
}

function fileDiff(entry: Omit<FileDiff, "binary" | "hunks">, before: Uint8Array | undefined, after: Uint8Array | undefined): FileDiff {
  const oldText = before === undefined ? "" : textOf(before);
  const newText = after === undefined ? "" : textOf(after);
  if (oldText === undefined || newText === undefined) return { ...entry, binary: true, hunks: [] };
  return { ...entry, binary: false, hunks: diffTexts(oldText, newText) };
}

const byPath = (files: FileContent[]) => new Map(files.map((f) => [f.path, f.content]));

/** What `head` changed under `path` since `from` (the fork point), file by file. */
export async function diffCommits(provider: GitProvider, repo: RepoRef, from: string, head: string, path: string): Promise<FileDiff[]> {
  const changed = await provider.changedFiles(repo, from, head, path);
  if (changed.length === 0) return [];
  const oldPaths = changed.filter((c) => c.status !== "added").map((c) => c.previousPath ?? c.path);
  const newPaths = changed.filter((c) => c.status !== "deleted").map((c) => c.path);
  const [before, after] = await Promise.all([
    oldPaths.length === 0 ? [] : provider.readFiles(repo, from, path, oldPaths),
    newPaths.length === 0 ? [] : provider.readFiles(repo, head, path, newPaths),
  ]);
  const oldFiles = byPath(before);
  const newFiles = byPath(after);
  return changed
    .map((c) => {
      const entry = { path: c.path, status: c.status, ...(c.previousPath ? { previousPath: c.previousPath } : {}) };
      const oldBytes = c.status === "added" ? undefined : oldFiles.get(c.previousPath ?? c.path);
      const newBytes = c.status === "deleted" ? undefined : newFiles.get(c.path);
      return fileDiff(entry, oldBytes, newBytes);
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}
