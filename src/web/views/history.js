import { html } from "htm/preact";
import { seg } from "../api.js";
import { useEffect } from "preact/hooks";
import { commitUrl, plural, shortSha, when } from "../format.js";
import { useLoad } from "../hooks.js";
import { entryHref, href } from "../route.js";
import { DIRECTIONS, LOG_STATUSES } from "../constants.js";
import { Badge, ErrorBox, Loading, TableRegion, Title } from "./common.js";
import { FailedJobs } from "./failed-jobs.js";
import { Findings } from "./findings.js";
import { pullLink } from "./sync-button.js";
/** @import { GitConnection, LogEntry, LogPage, TenantStatus } from "../types.js" */
/** @import { Ctx } from "./common.js" */

const PAGE = 25;
const SHOWN_RESOURCES = 6;

/**
 * The history's address for a filter and page: filters live in the URL so reload and back work.
 * @param {string} tenant @param {URLSearchParams} query @param {Record<string, string | null>} change
 */
function historyHref(tenant, query, change) {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(change)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  const search = next.toString();
  return `${href(tenant, "history")}${search ? `?${search}` : ""}`;
}

/** @param {{ names: string[] }} props */
function ResourceList({ names }) {
  if (names.length === 0) return html`<span class="muted">none</span>`;
  const shown = names.slice(0, SHOWN_RESOURCES);
  return html`<ul class="plain">${shown.map((n) => html`<li><code>${n}</code></li>`)}${
    names.length > shown.length ? html`<li class="muted">and ${names.length - shown.length} more</li>` : null
  }</ul>`;
}

/** @param {{ tenant: string, entry: LogEntry, git: GitConnection | null }} props */
function Commit({ tenant, entry, git }) {
  const pr = pullLink(tenant, git, entry.prUrl);
  const sha = entry.commitSha;
  const url = sha ? commitUrl(git, sha) : null;
  return html`${sha
    ? url
      ? html`<a href=${url} target="_blank" rel="noopener noreferrer"><code>${shortSha(sha)}</code></a>`
      : html`<code>${shortSha(sha)}</code>`
    : html`<span class="muted">none</span>`}
  ${entry.branch ? html`<div class="muted">branch <code>${entry.branch}</code></div>` : null}
  ${pr ? html`<div><a href=${pr.href} ...${pr.external ? { target: "_blank", rel: "noopener noreferrer" } : {}}>pull request</a></div>` : null}`;
}

/**
 * The sync log, newest first, paged and filtered by direction and status.
 * @param {{ ctx: Ctx, tenant: string, query: URLSearchParams }} props
 */
export function History({ ctx, tenant, query }) {
  const direction = query.get("direction") ?? "";
  const status = query.get("status") ?? "";
  const before = query.get("before") ?? "";
  const entry = query.get("entry") ?? "";
  useEffect(() => {
    if (entry) document.getElementById(`log-${entry}`)?.scrollIntoView({ block: "center" });
  });
  const git = useLoad(
    () =>
      ctx.api.get(`/tenants/${seg(tenant)}/status`).then(
        (s) => /** @type {TenantStatus} */ (s).git,
        () => null,
      ),
    [tenant],
  );
  const page = useLoad(() => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (direction) q.set("direction", direction);
    if (status) q.set("status", status);
    if (before) q.set("before", before);
    return /** @type {Promise<LogPage>} */ (ctx.api.get(`/tenants/${seg(tenant)}/log?${q.toString()}`));
  }, [tenant, direction, status, before]);

  /** @param {string} key */
  const setFilter = (key) => (/** @type {Event} */ event) => {
    location.hash = historyHref(tenant, query, { [key]: /** @type {HTMLSelectElement} */ (event.target).value, before: null });
  };

  return html`<${Title}>Sync history<//>
    <${FailedJobs} ctx=${ctx} tenant=${tenant} />
    <form class="filters" onSubmit=${(/** @type {Event} */ e) => e.preventDefault()} aria-label="Filter the sync history">
      <div class="field">
        <label for="filter-direction">Direction</label>
        <select id="filter-direction" value=${direction} onChange=${setFilter("direction")}>
          <option value="">All directions</option>
          ${DIRECTIONS.map((d) => html`<option value=${d}>${d}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" value=${status} onChange=${setFilter("status")}>
          <option value="">All statuses</option>
          ${LOG_STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </div>
    </form>
    ${page.error
      ? html`<${ErrorBox} error=${page.error} doing="loading the sync history" />`
      : !page.data
        ? html`<${Loading} what="sync history" />`
        : page.data.items.length === 0
          ? html`<p role="status">No sync log entries${direction || status ? " match these filters" : " yet"}.</p>`
          : html`<${TableRegion} label="Sync history">
              <table class="history">
                <thead>
                  <tr>
                    <th scope="col">When</th><th scope="col">Direction</th><th scope="col">Status</th><th scope="col">Commit</th>
                    <th scope="col">Author</th><th scope="col">Resources changed</th><th scope="col">Error</th>
                  </tr>
                </thead>
                <tbody>
                  ${page.data.items.map(
                    (e) => html`<tr id=${`log-${e.id}`} class=${entry === String(e.id) ? "selected" : ""} data-direction=${e.direction} data-status=${e.status}>
                      <td><time datetime=${e.createdAt}>${when(e.createdAt)}</time></td>
                      <td><${Badge} value=${e.direction} /></td>
                      <td>
                        <${Badge} value=${e.status} />
                        ${e.status === "failed" && e.diagnosticCount > 0
                          ? html`<div><a href=${entryHref(tenant, e.id)} class="findings-link">${plural(e.diagnosticCount, "finding")}</a></div>`
                          : null}
                      </td>
                      <td><${Commit} tenant=${tenant} entry=${e} git=${git.data} /></td>
                      <td>${e.author ?? html`<span class="muted">none</span>`}</td>
                      <td><${ResourceList} names=${e.resources} /></td>
                      <td>
                        ${e.error ? html`<span class="error-text">${e.error}</span>` : e.note ? null : html`<span class="muted">none</span>`}
                        <${Findings} diagnostics=${e.diagnostics ?? []} count=${e.diagnosticCount} />
                        ${e.note ? html`<p class="log-note">${e.note}</p>` : null}
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            <//>`}
    <nav class="pager" aria-label="History pages">
      ${before ? html`<a href=${historyHref(tenant, query, { before: null })}>Newest</a>` : null}
      ${page.data?.next != null ? html`<a href=${historyHref(tenant, query, { before: String(page.data.next) })}>Older entries</a>` : null}
    </nav>`;
}
