import { html } from "htm/preact";
import { shortSha, when } from "../format.js";
import { entryHref, href } from "../route.js";
/** @import { Diagnostic, TenantStatus } from "../types.js" */

/**
 * A refused sync's findings, in the `gitsync validate` form: where (file:line:col), the rule and
 * why; "and N more" when the log kept only the first ones.
 * @param {{ diagnostics: Diagnostic[], count?: number }} props
 */
export function Findings({ diagnostics, count }) {
  if (diagnostics.length === 0) return null;
  const more = (count ?? diagnostics.length) - diagnostics.length;
  return html`<ul class="findings">
    ${diagnostics.map(
      (d) => html`<li class=${`finding finding-${d.severity}`}>
        <code class="where">${d.file}:${d.line}:${d.column}</code>
        <span class="rule">${d.severity} ${d.code}</span>: ${d.message}
      </li>`,
    )}
    ${more > 0 ? html`<li class="muted">and ${more} more</li>` : null}
  </ul>`;
}

/**
 * What needs a person's attention on the tenant page: the last push, refused, until a later
 * push applies; and a tenant found invalid at start.
 * @param {{ tenant: string, status: TenantStatus }} props
 */
export function Attention({ tenant, status }) {
  const push = status.lastPush;
  const integrity = status.integrity;
  return html`${push?.refused
      ? html`<section class="error attention" role="alert" aria-labelledby="refused-title" data-testid="last-push-refused">
          <h2 id="refused-title">Last push refused</h2>
          <p>
            ${push.commitSha ? html`Commit <code>${shortSha(push.commitSha)}</code>` : "A push"} was not applied
            (<time datetime=${push.at}>${when(push.at)}</time>): ${push.error ?? "see the findings"}. Fix them and push again.
            <a href=${`${href(tenant, "history")}?direction=INBOUND&status=failed`}>Refused pushes in the history</a>
            ${push.logId ? html` · <a href=${entryHref(tenant, push.logId)}>This push's entry</a>` : null}
          </p>
          <${Findings} diagnostics=${push.diagnostics} count=${push.diagnosticCount} />
        </section>`
      : null}
    ${integrity && !integrity.valid
      ? html`<section class="error attention" role="alert" aria-labelledby="invalid-title" data-testid="tenant-invalid">
          <h2 id="invalid-title">This tenant is not valid</h2>
          <p>Found at start (<time datetime=${integrity.checkedAt}>${when(integrity.checkedAt)}</time>); fix it through the app or a push.</p>
          <${Findings} diagnostics=${integrity.diagnostics} count=${integrity.diagnosticCount} />
        </section>`
      : null}`;
}
