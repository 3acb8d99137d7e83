import { html } from "htm/preact";
import { numberLines } from "../diff.js";
/** @import { Annotation, FileDiff, Hunk } from "../types.js" */

/** @param {{ a: Annotation }} props */
function Finding({ a }) {
  return html`<div class=${`inline-finding finding-${a.severity}`} role="note">
    <span class="rule">${a.severity} ${a.code}</span> <span class="where">line ${a.line}, column ${a.column}</span>: ${a.message}
  </div>`;
}

/**
 * One hunk's rows; each finding sits right under the line it is about, as a forge shows check
 * annotations. `shown` collects the findings placed, so the rest can be listed apart (a plain
 * function, not a component, so it runs before that list is made).
 * @param {Hunk} hunk @param {Annotation[]} annotations @param {Set<Annotation>} shown
 */
function hunkRows(hunk, annotations, shown) {
  const rows = [];
  rows.push(html`<tr class="hunk-header"><td colspan="3"><code>@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@</code></td></tr>`);
  for (const line of numberLines(hunk)) {
    const kind = line.sign === "+" ? "added" : line.sign === "-" ? "removed" : "context";
    rows.push(html`<tr class=${`line ${kind}`} data-new-line=${line.new ?? ""}>
      <td class="num" aria-label="old line">${line.old ?? ""}</td>
      <td class="num" aria-label="new line">${line.new ?? ""}</td>
      <td class="code"><span class="sign" aria-hidden="true">${line.sign}</span><code>${line.text}</code></td>
    </tr>`);
    const here = line.new === null ? [] : annotations.filter((a) => a.line === line.new && !shown.has(a));
    for (const a of here) {
      shown.add(a);
      rows.push(html`<tr class="annotation-row"><td colspan="3"><${Finding} a=${a} /></td></tr>`);
    }
  }
  return rows;
}

/** @type {Record<FileDiff["status"], string>} */
const STATUS_WORDS = { added: "added", modified: "changed", deleted: "deleted", renamed: "renamed" };

/**
 * A file's unified diff with its findings inline; findings on lines the diff does not show are
 * listed above it.
 * @param {{ file: FileDiff, annotations?: Annotation[] }} props
 */
export function FileDiffView({ file, annotations = [] }) {
  const mine = annotations.filter((a) => a.path === file.path);
  /** @type {Set<Annotation>} */
  const shown = new Set();
  const body = file.hunks.flatMap((hunk) => hunkRows(hunk, mine, shown));
  const rest = mine.filter((a) => !shown.has(a));
  return html`<section class="file-diff" data-path=${file.path} aria-label=${`Changes to ${file.path}`}>
    <h3 class="file-name">
      <code>${file.previousPath ? `${file.previousPath} → ${file.path}` : file.path}</code>
      <span class="muted"> ${STATUS_WORDS[file.status]}</span>
    </h3>
    ${rest.length > 0 ? html`<div class="file-findings">${rest.map((a) => html`<${Finding} a=${a} />`)}</div>` : null}
    ${file.binary
      ? html`<p class="muted">Not text: no line diff.</p>`
      : file.hunks.length === 0
        ? html`<p class="muted">No line changes.</p>`
        : html`<div class="table-scroll"><table class="diff"><tbody>${body}</tbody></table></div>`}
  </section>`;
}
