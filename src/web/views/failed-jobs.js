import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { seg } from "../api.js";
import { when } from "../format.js";
import { useLoad } from "../hooks.js";
import { ErrorBox } from "./common.js";
/** @import { Ctx } from "./common.js" */

/**
 * Background work that failed for good (after its tries, or because it could not succeed),
 * each with its error and a Retry button; nothing is shown while there is none.
 * @param {{ ctx: Ctx, tenant: string }} props
 */
export function FailedJobs({ ctx, tenant }) {
  const jobs = useLoad(
    () => /** @type {Promise<{ items: { id: string, kind: string, attempts: number, error: string | null, createdAt: string }[] }>} */ (
      ctx.api.get(`/tenants/${seg(tenant)}/jobs?state=failed&limit=20`)
    ),
    [tenant],
  );
  const [retryError, setRetryError] = useState(/** @type {unknown} */ (null));
  const retry = (/** @type {string} */ id) =>
    ctx.api.post(`/tenants/${seg(tenant)}/jobs/${seg(id)}/retry`).then(
      () => {
        setRetryError(null);
        jobs.reload();
      },
      setRetryError,
    );
  if (!jobs.data || jobs.data.items.length === 0) return null;
  return html`<section class="failed-jobs" aria-label="Failed background jobs">
    <h2>Failed background jobs</h2>
    ${retryError ? html`<${ErrorBox} error=${retryError} doing="retrying the job" />` : null}
    <ul class="plain">
      ${jobs.data.items.map(
        (j) => html`<li data-job=${j.id}>
          <strong>${j.kind}</strong> job, <time datetime=${j.createdAt}>${when(j.createdAt)}</time>, ${j.attempts} tries:
          <span class="error-text">${j.error ?? "no message"}</span>
          <button type="button" onClick=${() => retry(j.id)}>Retry</button>
        </li>`,
      )}
    </ul>
  </section>`;
}
