import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { seg } from "../api.js";
import { atLeast, shortSha, when } from "../format.js";
import { useLoad } from "../hooks.js";
import { href } from "../route.js";
import { withoutMarker } from "../markdown.js";
import { Badge, ErrorBox, Loading, TableRegion, Title } from "./common.js";
import { FileDiffView } from "./diff.js";
import { Markdown } from "./markdown.js";
/** @import { Annotation, Check, FileDiff, Pull, PullDetail } from "../types.js" */
/** @import { Ctx } from "./common.js" */

/**
 * The local provider's pull requests, so the embedded default works end to end.
 * @param {{ ctx: Ctx, tenant: string }} props
 */
export function Pulls({ ctx, tenant }) {
  const pulls = useLoad(async () => /** @type {{ items: Pull[] }} */ (await ctx.api.get(`/tenants/${seg(tenant)}/pulls`)).items, [tenant]);
  return html`<${Title}>Pull requests<//>
    <p class="hint">Pull requests of the local repository. Hosted providers show theirs on their own site.</p>
    ${pulls.error
      ? html`<${ErrorBox} error=${pulls.error} doing="loading the pull requests" />`
      : !pulls.data
        ? html`<${Loading} what="pull requests" />`
        : pulls.data.length === 0
          ? html`<p>No pull requests yet. "Sync changes" opens one in pull-request mode.</p>`
          : html`<${TableRegion} label="Pull requests">
              <table>
                <thead><tr><th scope="col">Number</th><th scope="col">Title</th><th scope="col">Branches</th><th scope="col">State</th><th scope="col">Updated</th></tr></thead>
                <tbody>
                  ${pulls.data.map(
                    (p) => html`<tr>
                      <td>#${p.number}</td>
                      <th scope="row"><a href=${href(tenant, "pulls", p.number)}>${p.title}</a></th>
                      <td><code>${p.head}</code> → <code>${p.base}</code></td>
                      <td><${Badge} value=${p.state} /></td>
                      <td><time datetime=${p.updatedAt}>${when(p.updatedAt)}</time></td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            <//>`}`;
}

/** @param {Check} check */
const checkState = (check) => (check.status !== "completed" ? "running" : check.conclusion === "failure" ? "failing" : "passing");

/** @param {{ check: Check, merged: boolean }} props */
function CheckView({ check, merged }) {
  const state = checkState(check);
  return html`<section class=${`check-run check-${state}`} aria-label=${`Check ${check.name}`}>
    <h3>${check.name}: <${Badge} value=${state} /></h3>
    ${check.title ? html`<p><strong>${check.title}</strong></p>` : null}
    ${check.summary && !(merged && state === "failing") ? html`<${Markdown} text=${check.summary} label=${`Summary of ${check.name}`} />` : null}
  </section>`;
}

/**
 * One sentence for where the pull request stands, fitting its state: a merged or closed one is
 * never asked to fix anything.
 * @param {Pull} pull @param {Check[]} checks
 */
export function pullVerdict(pull, checks) {
  if (pull.state === "merged") return `Merged${pull.mergeCommitSha ? ` as ${shortSha(pull.mergeCommitSha)}` : ""}.`;
  if (pull.state === "closed") return "Closed without merging.";
  const states = checks.map(checkState);
  if (states.length === 0) return "Open; no check has run yet.";
  if (states.includes("running")) return "Open; the check is running.";
  if (states.includes("failing")) return `Open; the check is failing. Fix the findings below and push again to ${pull.head}.`;
  return "Open; the check passed.";
}

/**
 * gitsync's comment repeats the check summary on providers that hide it; here it is shown only
 * when it says something the checks do not.
 * @param {string | null} comment @param {Check[]} checks
 */
function extraComment(comment, checks) {
  if (comment === null) return null;
  const text = withoutMarker(comment);
  return text === "" || checks.some((c) => c.summary !== "" && text.includes(withoutMarker(c.summary))) ? null : text;
}

/** @param {{ files: FileDiff[], annotations: Annotation[] }} props */
function ChangedFiles({ files, annotations }) {
  const paths = new Set(files.map((f) => f.path));
  const elsewhere = annotations.filter((a) => !paths.has(a.path));
  return html`<section class="panel" aria-labelledby="files-title">
    <h2 id="files-title">Files changed <span class="count">(${files.length})</span></h2>
    ${files.length === 0 ? html`<p class="muted">No configuration file changed.</p>` : files.map((f) => html`<${FileDiffView} file=${f} annotations=${annotations} />`)}
    ${elsewhere.length > 0
      ? html`<h3>Findings in files this pull request does not change</h3>
          <ul class="annotations">
            ${elsewhere.map((a) => html`<li class=${a.severity}><code>${a.path}:${a.line}:${a.column}</code> ${a.severity} ${a.code}: ${a.message}</li>`)}
          </ul>`
      : null}
  </section>`;
}

/**
 * Why the merge button is disabled: merging respects the check.
 * @param {{ reasons: string[] }} props
 */
function MergeBlockers({ reasons }) {
  if (reasons.length === 0) return null;
  return html`<div id="merge-blockers" class="merge-blockers" role="note">
    <p><strong>This pull request cannot be merged yet:</strong></p>
    <ul>
      ${reasons.map((r) => html`<li>${r}</li>`)}
    </ul>
  </div>`;
}

/**
 * One pull request: its check and plan, and Merge for admins.
 * @param {{ ctx: Ctx, tenant: string, number: number, onMerged: () => void }} props
 */
export function PullView({ ctx, tenant, number, onMerged }) {
  const detail = useLoad(
    () => /** @type {Promise<PullDetail>} */ (ctx.api.get(`/tenants/${seg(tenant)}/pulls/${seg(number)}`)),
    [tenant, number],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));

  const merge = async () => {
    setBusy(true);
    setError(null);
    try {
      const { pull } = /** @type {{ pull: Pull }} */ (await ctx.api.post(`/tenants/${seg(tenant)}/pulls/${seg(number)}/merge`));
      ctx.notify({ kind: "success", text: `Pull request #${pull.number} merged${pull.mergeCommitSha ? ` as ${shortSha(pull.mergeCommitSha)}` : ""}.` });
      detail.reload();
      onMerged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (detail.error) return html`<${Title}>Pull request #${number}<//><${ErrorBox} error=${detail.error} doing="loading the pull request" />`;
  if (!detail.data) return html`<${Title}>Pull request #${number}<//><${Loading} what="the pull request" />`;
  const { pull, checks, comment, merge: gate, files } = detail.data;
  const annotations = checks.flatMap((c) => c.annotations);
  const extra = extraComment(comment, checks);
  return html`<${Title}>#${pull.number} ${pull.title}<//>
    <p><a href=${href(tenant, "pulls")}>All pull requests</a></p>
    <section class="panel" aria-labelledby="pull-facts">
      <h2 id="pull-facts">Details</h2>
      <p class="pull-verdict" data-testid="pull-verdict">${pullVerdict(pull, checks)}</p>
      <dl class="facts">
        <div><dt>State</dt><dd><${Badge} value=${pull.state} /></dd></div>
        <div><dt>Branches</dt><dd><code>${pull.head}</code> into <code>${pull.base}</code></dd></div>
        <div><dt>Head</dt><dd><code>${shortSha(pull.headSha)}</code></dd></div>
        ${pull.mergeCommitSha ? html`<div><dt>Merge commit</dt><dd><code>${shortSha(pull.mergeCommitSha)}</code></dd></div>` : null}
        <div><dt>Opened</dt><dd><time datetime=${pull.createdAt}>${when(pull.createdAt)}</time></dd></div>
      </dl>
      ${pull.state === "open" && atLeast(ctx.role, "admin")
        ? html`<div class="actions">
              <button type="button" onClick=${merge} disabled=${busy || !gate.allowed} aria-describedby=${gate.allowed ? undefined : "merge-blockers"}>
                ${busy ? "Merging…" : "Merge pull request"}
              </button>
            </div>
            <${MergeBlockers} reasons=${gate.reasons} />`
        : pull.state === "open"
          ? html`<p class="hint">An admin merges pull requests.</p>`
          : null}
      ${error ? html`<${ErrorBox} error=${error} doing="merging" />` : null}
    </section>
    <section class="panel" aria-labelledby="checks-title">
      <h2 id="checks-title">Checks and plan</h2>
      ${checks.length === 0 ? html`<p class="muted">No checks yet.</p>` : checks.map((c) => html`<${CheckView} check=${c} merged=${pull.state === "merged"} />`)}
      ${extra ? html`<h3>Comment</h3><${Markdown} text=${extra} label="gitsync's comment" />` : null}
    </section>
    <${ChangedFiles} files=${files ?? []} annotations=${annotations} />`;
}
