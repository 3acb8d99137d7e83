import { structuredPatch } from "diff";
/** @import { Hunk } from "./types.js" */

/**
 * Hunks between two texts, the shape the API gives for a pull request's files, so one view
 * shows both: three lines of context, no "no newline at end of file" markers.
 * @param {string} before @param {string} after @returns {Hunk[]}
 */
export function hunksOf(before, after) {
  return structuredPatch("a", "b", before, after, undefined, undefined, { context: 3 }).hunks.map((h) => ({
    oldStart: h.oldStart,
    oldLines: h.oldLines,
    newStart: h.newStart,
    newLines: h.newLines,
    lines: h.lines.filter((line) => !line.startsWith("\\")),
  }));
}

/**
 * Each hunk line with its old and new line numbers.
 * @param {Hunk} hunk
 * @returns {{ sign: "+" | "-" | " ", text: string, old: number | null, new: number | null }[]}
 */
export function numberLines(hunk) {
  let oldNo = hunk.oldStart;
  let newNo = hunk.newStart;
  return hunk.lines.map((line) => {
    const sign = line[0] === "+" ? "+" : line[0] === "-" ? "-" : " ";
    const text = line.slice(1);
    if (sign === "+") return { sign, text, old: null, new: newNo++ };
    if (sign === "-") return { sign, text, old: oldNo++, new: null };
    return { sign, text, old: oldNo++, new: newNo++ };
  });
}
