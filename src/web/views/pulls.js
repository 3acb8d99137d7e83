import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { seg } from "../api.js";
import { atLeast, shortSha, when } from "../format.js";
import { useLoad } from "../hooks.js";
import { href } from "../route.js";
import { Badge, ErrorBox, Loading, TableRegion, Title } from "./common.js";
/** @import { Check, Pull, PullDetail } from "../types.js" */
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

/** @param {{ check: Check }} props */
function CheckView({ check }) {
  return html`<section class="check-run" aria-label=${`Check ${check.name}`}>
    <h3>${check.name}: <${Badge} value=${check.conclusion ?? check.status} /></h3>
    ${check.title ? html`<p><strong>${check.title}</strong></p>` : null}
    ${check.summary ? html`<pre class="summary">${check.summary}</pre>` : null}
    ${check.annotations.length > 0
      ? html`<h4>Annotations</h4>
          <ul class="annotations">
            ${check.annotations.map(
              (a) => html`<li class=${a.severity}><code>${a.path}:${a.line}:${a.column}</code> ${a.severity} ${a.code}: ${a.message}</li>`,
            )}
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
  const { pull, checks, comment, merge: gate } = detail.data;
  return html`<${Title}>#${pull.number} ${pull.title}<//>
    <p><a href=${href(tenant, "pulls")}>All pull requests</a></p>
    <section class="panel" aria-labelledby="pull-facts">
      <h2 id="pull-facts">Details</h2>
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
      ${checks.length === 0 ? html`<p class="muted">No checks yet.</p>` : checks.map((c) => html`<${CheckView} check=${c} />`)}
      ${comment ? html`<h3>Comment</h3><pre class="summary">${comment}</pre>` : null}
    </section>`;
}
