import { html } from "htm/preact";
import { ApiError, seg } from "../api.js";
import { plural, shortSha, when } from "../format.js";
import { useLoad } from "../hooks.js";
import { entryHref, href } from "../route.js";
import { KINDS } from "../constants.js";
import { Badge } from "./common.js";
/** @import { Drift, FailedJob, LogEntry } from "../types.js" */
/** @import { Ctx } from "./common.js" */

/**
 * A route another part of the server may not offer (an older server): a 404 means "not here",
 * and the block that needs it is hidden rather than shown as an error.
 * @template T @param {Promise<T>} call @returns {Promise<T | null>}
 */
async function optional(call) {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 501)) return null;
    throw error;
  }
}

/** @param {Ctx} ctx @param {string} tenant @param {"INBOUND" | "OUTBOUND"} direction */
async function lastOf(ctx, tenant, direction) {
  const page = /** @type {{ items: LogEntry[] }} */ (await ctx.api.get(`/tenants/${seg(tenant)}/log?direction=${direction}&limit=1`));
  return page.items[0] ?? null;
}

/** @param {{ tenant: string, label: string, entry: LogEntry | null }} props */
function LastResult({ tenant, label, entry }) {
  const failed = entry?.status === "failed";
  return html`<div class=${failed ? "bad" : ""} data-testid=${`last-${label.toLowerCase()}`}>
    <strong>Last ${label.toLowerCase()}</strong>
    ${entry
      ? html`<p>
          <${Badge} value=${entry.status} /> <time datetime=${entry.createdAt}>${when(entry.createdAt)}</time>
          ${entry.commitSha ? html` <code>${shortSha(entry.commitSha)}</code>` : null}
          ${failed ? html`<br /><a href=${entryHref(tenant, entry.id)}>${entry.diagnosticCount > 0 ? `See the ${plural(entry.diagnosticCount, "finding")}` : "See why"}</a>` : null}
        </p>`
      : html`<p class="muted">none yet</p>`}
  </div>`;
}

/** @param {{ jobs: FailedJob[] }} props */
function FailedJobs({ jobs }) {
  if (jobs.length === 0) return null;
  return html`<div class="bad" data-testid="failed-jobs">
    <strong>${plural(jobs.length, "failed job")}</strong>
    <ul class="plain">
      ${jobs.slice(0, 5).map(
        (j) => html`<li><code>${j.kind}</code> after ${plural(j.attempts, "attempt")}: ${j.error ?? "no reason given"} (<time datetime=${j.finishedAt ?? j.createdAt}>${when(j.finishedAt ?? j.createdAt)}</time>)</li>`,
      )}
    </ul>
  </div>`;
}

/** How each direction of the drift API reads. */
const DRIFT_WORDS = { "git-only": "only in git", "app-only": "only in the app", differs: "differs between git and the app" };

/** @param {{ tenant: string, drift: Drift }} props */
function DriftView({ tenant, drift }) {
  const head = drift.head === null ? "no branch yet" : shortSha(drift.head);
  if (drift.inSync) {
    return html`<div data-testid="drift"><strong>Branch and tenant</strong><p>In step with the branch at <code>${head}</code> (checked <time datetime=${drift.checkedAt}>${when(drift.checkedAt)}</time>).</p></div>`;
  }
  return html`<div class="bad" data-testid="drift">
    <strong>Branch and tenant differ</strong>
    <p>${plural(drift.items.length, "resource")} differ from the branch at <code>${head}</code>:</p>
    <ul class="plain">
      ${drift.items.slice(0, 10).map(
        (r) => html`<li><a href=${href(tenant, "resources", KINDS.find((k) => k.id === r.kind)?.folder ?? r.kind, r.name)}>${r.kind}/${r.name}</a>: ${DRIFT_WORDS[r.direction]}</li>`,
      )}
    </ul>
  </div>`;
}

/**
 * The tenant's health at a glance: the last result each way, failed background work and drift.
 * @param {{ ctx: Ctx, tenant: string, round: number }} props
 */
export function Health({ ctx, tenant, round }) {
  const loaded = useLoad(async () => {
    const [inbound, outbound, jobs, drift] = await Promise.all([
      lastOf(ctx, tenant, "INBOUND"),
      lastOf(ctx, tenant, "OUTBOUND"),
      optional(ctx.api.get(`/tenants/${seg(tenant)}/jobs?state=failed`)).then((r) => (r ? /** @type {{ items: FailedJob[] }} */ (r).items : null)),
      optional(/** @type {Promise<Drift>} */ (ctx.api.get(`/tenants/${seg(tenant)}/drift`))),
    ]);
    return { inbound, outbound, jobs, drift };
  }, [tenant, round]);
  if (!loaded.data) return null;
  const { inbound, outbound, jobs, drift } = loaded.data;
  return html`<section class="panel" aria-labelledby="health-title" data-testid="health">
    <h2 id="health-title">Health</h2>
    <div class="health">
      <${LastResult} tenant=${tenant} label="Inbound" entry=${inbound} />
      <${LastResult} tenant=${tenant} label="Outbound" entry=${outbound} />
      ${jobs ? html`<${FailedJobs} jobs=${jobs} />` : null}
      ${drift ? html`<${DriftView} tenant=${tenant} drift=${drift} />` : null}
    </div>
  </section>`;
}
