import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { ApiError } from "../api.js";
import { hunksOf } from "../diff.js";
import { atLeast, shortSha, when } from "../format.js";
import { useLoad } from "../hooks.js";
import { entryHref } from "../route.js";
import { Badge, ErrorBox, Loading, TableRegion } from "./common.js";
import { FileDiffView } from "./diff.js";
/** @import { FileDiff, HistoryEntry, ResourceFile, ResourceHistory } from "../types.js" */
/** @import { Ctx } from "./common.js" */

/** @param {{ tenant: string, entry: HistoryEntry }} props */
function EntryNote({ tenant, entry }) {
  if (entry.direction === "app") return html`<span class="muted">changed in the app, not in git yet</span>`;
  if (entry.status === "failed" && entry.logId !== null) {
    return html`<a href=${entryHref(tenant, entry.logId)}>refused: see the findings</a>`;
  }
  return entry.subject ? html`<span>${entry.subject}</span>` : html`<span class="muted">${entry.status ?? ""}</span>`;
}

/**
 * The resource's versions, newest first, with what each row offers: view it, compare two,
 * restore one (editors).
 * @param {{ ctx: Ctx, tenant: string, history: ResourceHistory, onView: (sha: string | null) => void,
 *   onCompare: (pair: [string, string]) => void, onRestore: (sha: string) => void }} props
 */
export function VersionHistory({ ctx, tenant, history, onView, onCompare, onRestore }) {
  const versions = history.items.filter((e) => e.commitSha !== null && e.status !== "failed");
  const [from, setFrom] = useState(versions[1]?.commitSha ?? "");
  const [to, setTo] = useState(versions[0]?.commitSha ?? "");
  const editor = atLeast(ctx.role, "editor");
  if (history.items.length === 0) return html`<p>No history yet: the resource has not reached git.</p>`;
  return html`<${TableRegion} label="Resource history">
      <table class="history resource-history">
        <thead><tr>
          <th scope="col">When</th><th scope="col">Direction</th><th scope="col">Who</th><th scope="col">Commit</th><th scope="col">What</th>
          <th scope="col">Compare</th><th scope="col">Actions</th>
        </tr></thead>
        <tbody>
          ${history.items.map((e) => {
            const sha = e.commitSha;
            const usable = sha !== null && e.status !== "failed";
            return html`<tr data-direction=${e.direction} data-status=${e.status ?? ""} data-commit=${sha ?? ""}>
              <td><time datetime=${e.at}>${when(e.at)}</time></td>
              <td><${Badge} value=${e.direction} /></td>
              <td>${e.author ?? html`<span class="muted">unknown</span>`}</td>
              <td>${sha ? html`<code>${shortSha(sha)}</code>` : html`<span class="muted">none</span>`}</td>
              <td><${EntryNote} tenant=${tenant} entry=${e} /></td>
              <td>${usable
                ? html`<label><input type="radio" name="from" checked=${from === sha} onChange=${() => setFrom(sha)} /> A</label>
                    <label><input type="radio" name="to" checked=${to === sha} onChange=${() => setTo(sha)} /> B</label>`
                : null}</td>
              <td class="row-actions">${usable
                ? html`<button type="button" class="link" onClick=${() => onView(sha)}>View</button>
                    ${editor ? html`<button type="button" onClick=${() => onRestore(sha)}>Restore this version</button>` : null}`
                : null}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    <//>
    <div class="actions">
      <button type="button" disabled=${!from || !to || from === to} onClick=${() => onCompare([from, to])}>Compare A with B</button>
      <button type="button" class="link" onClick=${() => onView(null)}>Show the branch head</button>
    </div>`;
}

/**
 * The file at `ref`, or empty when the resource had no file there (created or removed since).
 * @param {Ctx} ctx @param {string} base @param {string} ref @returns {Promise<string>}
 */
async function contentAt(ctx, base, ref) {
  try {
    const file = /** @type {ResourceFile} */ (await ctx.api.get(`${base}/file?ref=${encodeURIComponent(ref)}`));
    return file.binary ? "" : file.content;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return "";
    throw error;
  }
}

/**
 * Two versions of the file as a unified diff.
 * @param {{ ctx: Ctx, base: string, from: string, to: string }} props
 */
export function VersionDiff({ ctx, base, from, to }) {
  const diff = useLoad(async () => {
    const [before, after] = await Promise.all([contentAt(ctx, base, from), contentAt(ctx, base, to)]);
    /** @type {FileDiff} */
    const file = { path: `${shortSha(from)} → ${shortSha(to)}`, status: "modified", binary: false, hunks: hunksOf(before, after) };
    return file;
  }, [base, from, to]);
  return html`<section class="panel" aria-labelledby="diff-title" data-testid="version-diff">
    <h2 id="diff-title">Changes from <code>${shortSha(from)}</code> to <code>${shortSha(to)}</code></h2>
    ${diff.error ? html`<${ErrorBox} error=${diff.error} doing="comparing the versions" />` : !diff.data ? html`<${Loading} what="the diff" />` : html`<${FileDiffView} file=${diff.data} />`}
  </section>`;
}
