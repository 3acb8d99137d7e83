import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { seg } from "../api.js";
import { shortSha } from "../format.js";
import { ErrorBox, Loading } from "./common.js";
import { PlanTable } from "./import.js";
/** @import { RestoreResult } from "../types.js" */
/** @import { Ctx } from "./common.js" */

/**
 * "Restore this version": the plan first (the same planning as a check), then, on request,
 * applied as an app change. The scope is this resource or the whole tenant at that commit.
 * @param {{ ctx: Ctx, tenant: string, resource: { kind: string, name: string }, at: string, onDone: () => void }} props
 */
export function RestorePanel({ ctx, tenant, resource, at, onDone }) {
  const [whole, setWhole] = useState(false);
  const [plan, setPlan] = useState(/** @type {RestoreResult | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const path = `/tenants/${seg(tenant)}/restore`;
  const request = { ref: at, ...(whole ? {} : { resources: [resource] }) };

  useEffect(() => {
    setPlan(null);
    setError(null);
    ctx.api.post(path, { ...request, dryRun: true }).then(
      (r) => setPlan(/** @type {RestoreResult} */ (r)),
      (e) => setError(e),
    );
  }, [at, whole]);

  const apply = async () => {
    setBusy(true);
    try {
      const result = /** @type {RestoreResult} */ (await ctx.api.post(path, request));
      const what = whole ? `the tenant` : `${resource.kind}/${resource.name}`;
      ctx.notify({ kind: "success", text: `Restored ${what} as at ${shortSha(result.sha)}; the change goes to git like any app change.` });
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return html`<section class="panel plan-preview" aria-labelledby="restore-title" data-testid="restore-panel">
    <h2 id="restore-title">Restore as at <code>${shortSha(at)}</code></h2>
    <div class="field">
      <label><input type="checkbox" checked=${whole} onChange=${() => setWhole(!whole)} /> The whole tenant at this commit, not only ${resource.name}</label>
    </div>
    ${error
      ? html`<${ErrorBox} error=${error} doing="planning the restore" />`
      : !plan
        ? html`<${Loading} what="the plan" />`
        : html`<h3>Plan</h3>
            ${plan.status === "unchanged" ? html`<p>Nothing would change: it already matches this version.</p>` : html`<${PlanTable} items=${plan.plan.items} label="Restore plan" />`}`}
    <div class="actions">
      <button type="button" onClick=${apply} disabled=${busy || !plan || plan.status !== "planned"}>${busy ? "Restoring…" : "Apply the restore"}</button>
      <button type="button" class="link" onClick=${onDone}>Cancel</button>
    </div>
  </section>`;
}
