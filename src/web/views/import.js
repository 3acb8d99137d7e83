import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { seg } from "../api.js";
import { plural, shortSha } from "../format.js";
import { useLoad } from "../hooks.js";
import { Badge, ErrorBox, TableRegion, Title } from "./common.js";
/** @import { ImportResult, PlanAction, PlanItem, Tenant } from "../types.js" */
/** @import { Ctx } from "./common.js" */

/** @type {Record<PlanAction, string>} */
const ACTION_WORDS = {
  create: "created",
  update: "replaced",
  delete: "deleted",
  archive: "archived",
  keep: "kept",
};

/** @typedef {{ ref: string, source: string, prune: boolean }} Request */

/** @param {{ items: PlanItem[], label?: string }} props */
export function PlanTable({ items, label = "Import plan" }) {
  const changing = items.filter((i) => i.action !== "keep");
  if (changing.length === 0) return html`<p>Nothing would change.</p>`;
  return html`<${TableRegion} label=${label}>
    <table>
      <thead><tr><th scope="col">Change</th><th scope="col">Kind</th><th scope="col">Name</th><th scope="col">Project</th><th scope="col">Fields</th></tr></thead>
      <tbody>
        ${changing.map(
          (i) => html`<tr>
            <td><${Badge} value=${i.action} />${i.restored ? html` <span class="muted">(restored)</span>` : null}</td>
            <td>${i.kind}</td>
            <th scope="row">${i.name}</th>
            <td>${i.project ?? html`<span class="muted">none</span>`}</td>
            <td>${i.fields && i.fields.length > 0 ? i.fields.join(", ") : html`<span class="muted">-</span>`}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  <//>`;
}

/** @param {{ result: ImportResult }} props */
function Outcome({ result }) {
  if (result.status === "missing-connections") {
    return html`<div class="error" role="alert">
      <p>Nothing can be imported: these connections are missing in this tenant. Create them (or import the connections export) first.</p>
      <ul>${(result.missing ?? []).map((m) => html`<li><code>${m}</code></li>`)}</ul>
    </div>`;
  }
  if (result.status === "invalid") {
    return html`<div class="error" role="alert">
      <p>The configuration at <code>${shortSha(result.sha)}</code> is not valid; nothing would be imported.</p>
      <ul>
        ${(result.diagnostics ?? []).map(
          (d) => html`<li>${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}</li>`,
        )}
      </ul>
    </div>`;
  }
  const items = result.plan?.items ?? [];
  const summary = /** @type {PlanAction[]} */ (Object.keys(ACTION_WORDS))
    .filter((a) => a !== "keep")
    .map((a) => `${plural(items.filter((i) => i.action === a).length, "resource")} ${ACTION_WORDS[a]}`)
    .join(", ");
  return html`<div>
    <p role="status">
      ${result.status === "applied" ? "Imported" : "The plan"} for commit <code>${shortSha(result.sha)}</code>: ${summary}.
    </p>
    <${PlanTable} items=${items} />
  </div>`;
}

/** Import a branch or commit: a dry run shows the plan, then the admin confirms it. */
/** @param {{ ctx: Ctx, tenant: string }} props */
export function Import({ ctx, tenant }) {
  const tenants = useLoad(async () => /** @type {{ items: Tenant[] }} */ (await ctx.api.get("/tenants")).items, []);
  const [request, setRequest] = useState(/** @type {Request} */ ({ ref: "", source: "", prune: false }));
  const [plan, setPlan] = useState(/** @type {{ for: Request, result: ImportResult } | null} */ (null));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));

  /** @param {Partial<Request>} next */
  const change = (next) => {
    setRequest({ ...request, ...next });
    // A plan only stands for the request it was made for.
    setPlan(null);
  };

  /** @param {boolean} dryRun */
  const call = async (dryRun) => {
    const body = { ref: request.ref.trim(), prune: request.prune, dryRun, ...(request.source ? { source: request.source } : {}) };
    setBusy(true);
    setError(null);
    try {
      const result = /** @type {ImportResult} */ (await ctx.api.post(`/tenants/${seg(tenant)}/imports`, body));
      if (dryRun) setPlan({ for: request, result });
      else {
        setPlan(null);
        ctx.notify({
          kind: result.status === "applied" ? "success" : "error",
          text: result.status === "applied" ? `Imported ${body.ref} (${shortSha(result.sha)}).` : `The import was not applied: ${result.status}.`,
        });
        if (result.status !== "applied") setPlan({ for: request, result });
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  /** @param {Event} event */
  const preview = (event) => {
    event.preventDefault();
    if (request.ref.trim() === "") {
      setError(null);
      return;
    }
    void call(true);
  };

  return html`<${Title}>Import<//>
    <p>Bring a branch or commit into tenant <strong>${tenant}</strong>: same-name resources are replaced in one transaction. You see the plan before anything changes.</p>
    <form class="panel" onSubmit=${preview} aria-labelledby="import-form-title" novalidate>
      <h2 id="import-form-title">What to import</h2>
      <div class="field">
        <label for="import-ref">Branch or commit</label>
        <input id="import-ref" name="ref" required autocomplete="off" value=${request.ref} aria-describedby="import-ref-hint"
          onInput=${(/** @type {Event} */ e) => change({ ref: /** @type {HTMLInputElement} */ (e.target).value })} />
        <p class="hint" id="import-ref-hint">A branch name (main, demo/2024.05.01.1) or a commit SHA.</p>
      </div>
      <div class="field">
        <label for="import-source">From the repository of</label>
        <select id="import-source" value=${request.source} onChange=${(/** @type {Event} */ e) => change({ source: /** @type {HTMLSelectElement} */ (e.target).value })}>
          <option value="">this tenant (${tenant})</option>
          ${(tenants.data ?? []).filter((t) => t.slug !== tenant).map((t) => html`<option value=${t.slug}>${t.name} (${t.slug})</option>`)}
        </select>
      </div>
      <label class="check">
        <input type="checkbox" checked=${request.prune} onChange=${(/** @type {Event} */ e) => change({ prune: /** @type {HTMLInputElement} */ (e.target).checked })} />
        Also remove resources the ref does not have (per the deletion policy)
      </label>
      <div class="actions">
        <button type="submit" disabled=${busy || request.ref.trim() === ""}>${busy && !plan ? "Planning…" : "Show the plan"}</button>
      </div>
    </form>
    ${error ? html`<${ErrorBox} error=${error} doing="the import" />` : null}
    ${plan
      ? html`<section class="panel" aria-labelledby="plan-title">
          <h2 id="plan-title">Plan</h2>
          <${Outcome} result=${plan.result} />
          ${plan.result.status === "planned"
            ? html`<div class="actions">
                <button type="button" onClick=${() => call(false)} disabled=${busy}>${busy ? "Importing…" : "Confirm import"}</button>
                <button type="button" class="secondary" onClick=${() => setPlan(null)} disabled=${busy}>Cancel</button>
              </div>`
            : null}
        </section>`
      : null}`;
}
