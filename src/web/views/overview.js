import { html } from "htm/preact";
import { seg } from "../api.js";
import { atLeast, commitUrl, plural, shortSha, when } from "../format.js";
import { useLoad } from "../hooks.js";
import { KINDS } from "../constants.js";
import { href } from "../route.js";
import { Badge, ErrorBox, Loading, TableRegion, Title } from "./common.js";
import { Attention } from "./findings.js";
import { Health } from "./health.js";
import { SyncButton } from "./sync-button.js";
/** @import { GitConnection, LogEntry, Project, Resource, TenantStatus } from "../types.js" */
/** @import { Ctx } from "./common.js" */

/** @typedef {{ status: TenantStatus | null, git: GitConnection | null, error: unknown }} StatusView */

/**
 * The tenant's sync status; admins fall back to the git connection when status is unavailable.
 * @param {Ctx} ctx @param {string} tenant @returns {Promise<StatusView>}
 */
async function loadStatus(ctx, tenant) {
  try {
    const status = /** @type {TenantStatus} */ (await ctx.api.get(`/tenants/${seg(tenant)}/status`));
    return { status, git: status.git, error: null };
  } catch (error) {
    if (!atLeast(ctx.role, "admin")) return { status: null, git: null, error };
    const git = /** @type {GitConnection | null} */ (await ctx.api.get(`/tenants/${seg(tenant)}/git`).catch(() => null));
    return { status: null, git, error };
  }
}

/** @param {Project["pendingChanges"]} p */
function pendingTotal(p) {
  return p.created + p.updated + p.deleted;
}

/** @param {Project["pendingChanges"]} p */
function pendingWords(p) {
  return `Pending changes: ${p.created} created, ${p.updated} updated, ${p.deleted} deleted`;
}

/** @param {{ ctx: Ctx, tenant: string, round: number }} props */
function Projects({ ctx, tenant, round }) {
  const projects = useLoad(
    async () => /** @type {{ items: Project[] }} */ (await ctx.api.get(`/tenants/${seg(tenant)}/projects`)).items,
    [tenant, round],
  );
  if (projects.error) return html`<${ErrorBox} error=${projects.error} doing="loading the projects" />`;
  if (!projects.data) return html`<${Loading} what="projects" />`;
  if (projects.data.length === 0) return html`<p>No projects yet: this tenant has no resources.</p>`;
  return html`<ul class="projects">
    ${projects.data.map((p) => {
      const pending = pendingTotal(p.pendingChanges) > 0;
      return html`<li class=${pending ? "project pending" : "project"} data-project=${p.name ?? ""}>
        <span class="project-name">
          ${pending ? html`<span class="dot" aria-hidden="true" title="Pending changes"></span>` : null}
          ${p.name ?? html`<em>No project</em>`}
        </span>
        <span class="project-count">${plural(p.resources, "resource")}</span>
        <span class=${pending ? "project-pending" : "project-pending none"}>${pending ? pendingWords(p.pendingChanges) : "In sync"}</span>
      </li>`;
    })}
  </ul>`;
}

/** @typedef {{ folder: string, title: string, items: Resource[], error: unknown }} KindList */

/**
 * The direction of a resource's last change: the newest finished sync naming it, unless the app
 * changed it since (then "app").
 * @param {Resource} resource @param {string} folder @param {LogEntry[]} log
 */
function lastDirection(resource, folder, log) {
  const keys = new Set([`${folder}/${resource.name}`, `${resource.kind}/${resource.name}`]);
  const entry = log.find((e) => e.resources.some((r) => keys.has(r)));
  if (!entry) return "app";
  return Date.parse(resource.updatedAt) > Date.parse(entry.updatedAt) ? "app" : entry.direction;
}

/** @param {{ ctx: Ctx, tenant: string, round: number }} props */
function Resources({ ctx, tenant, round }) {
  const loaded = useLoad(async () => {
    const [lists, log] = await Promise.all([
      Promise.all(
        KINDS.map(async (k) => {
          try {
            const r = /** @type {{ items: Resource[] }} */ (await ctx.api.get(`/tenants/${seg(tenant)}/resources/${seg(k.folder)}`));
            return { folder: k.folder, title: k.title, items: r.items, error: null };
          } catch (error) {
            return { folder: k.folder, title: k.title, items: /** @type {Resource[]} */ ([]), error };
          }
        }),
      ),
      ctx.api.get(`/tenants/${seg(tenant)}/log?status=done&limit=200`).then(
        (r) => /** @type {{ items: LogEntry[] }} */ (r).items,
        () => /** @type {LogEntry[]} */ ([]),
      ),
    ]);
    return { lists, log };
  }, [tenant, round]);
  if (loaded.error) return html`<${ErrorBox} error=${loaded.error} doing="loading the resources" />`;
  if (!loaded.data) return html`<${Loading} what="resources" />`;
  const { lists, log } = loaded.data;
  return html`${lists.map(
    (k) => html`<section class="kind" aria-labelledby=${`kind-${k.folder}`}>
      <h3 id=${`kind-${k.folder}`}>${k.title} <span class="count">(${k.items.length})</span></h3>
      ${k.error
        ? html`<${ErrorBox} error=${k.error} doing=${`loading ${k.title.toLowerCase()}`} />`
        : k.items.length === 0
          ? html`<p class="muted">None.</p>`
          : html`<${TableRegion} label=${k.title}>
              <table>
                <thead><tr><th scope="col">Name</th><th scope="col">Project</th><th scope="col">Changed by</th><th scope="col">When</th><th scope="col">Last change</th></tr></thead>
                <tbody>
                  ${k.items.map(
                    (r) => html`<tr>
                      <th scope="row"><a href=${href(tenant, "resources", k.folder, r.name)}>${r.name}</a></th>
                      <td>${r.project ?? html`<span class="muted">none</span>`}</td>
                      <td>${r.updatedBy}</td>
                      <td><time datetime=${r.updatedAt}>${when(r.updatedAt)}</time></td>
                      <td><${Badge} value=${lastDirection(r, k.folder, log)} /></td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            <//>`}
    </section>`,
  )}`;
}

/** @param {{ ctx: Ctx, tenant: string, view: StatusView, onSynced: () => void }} props */
function StatusPanel({ ctx, tenant, view, onSynced }) {
  const { status, git } = view;
  const mode = git?.outbound ?? null;
  const link = status?.lastCommittedSha ? commitUrl(git, status.lastCommittedSha) : null;
  return html`<section class="panel" aria-labelledby="status-title">
    <h2 id="status-title">Sync</h2>
    ${git
      ? html`<p>
          ${git.provider === "local" ? "Local repository" : html`${git.provider} <code>${git.repository}</code>`}${", branch "}<code>${git.branch}</code
          >${git.path ? html`, folder <code>${git.path}</code>` : null}${`; changes go ${mode === "direct" ? "straight to the branch" : "through pull requests"}.`}
        </p>`
      : null}
    ${view.error && !status ? html`<${ErrorBox} error=${view.error} doing="loading the sync status" />` : null}
    ${mode === "pull-request" && atLeast(ctx.role, "editor")
      ? html`<${SyncButton} ctx=${ctx} tenant=${tenant} git=${git} onSettled=${onSynced} />`
      : null}
    ${mode === "direct" && status
      ? html`<dl class="facts">
          <div>
            <dt>Last commit</dt>
            <dd>
              ${status.lastCommitAt ? html`<time datetime=${status.lastCommitAt}>${when(status.lastCommitAt)}</time>` : "none yet"}
              ${status.lastCommittedSha
                ? link
                  ? html` (<a href=${link} target="_blank" rel="noopener noreferrer">${shortSha(status.lastCommittedSha)}</a>)`
                  : html` (<code>${shortSha(status.lastCommittedSha)}</code>)`
                : null}
            </dd>
          </div>
          <div>
            <dt>Changes waiting</dt>
            <dd class=${status.waiting > 0 ? "waiting" : ""}>${status.waiting === 0 ? "none" : `${status.waiting} not committed yet`}</dd>
          </div>
        </dl>`
      : null}
  </section>`;
}

/**
 * The tenant page: sync status and action, projects with their pending-change markers, resources per kind.
 * @param {{ ctx: Ctx, tenant: string, round: number, onChanged: () => void }} props
 */
export function Overview({ ctx, tenant, round, onChanged }) {
  const status = useLoad(() => loadStatus(ctx, tenant), [tenant, round]);
  return html`<${Title}>Tenant ${tenant}<//>
    ${status.data?.status ? html`<${Attention} tenant=${tenant} status=${status.data.status} />` : null}
    ${status.data ? html`<${StatusPanel} ctx=${ctx} tenant=${tenant} view=${status.data} onSynced=${onChanged} />` : html`<${Loading} what="sync status" />`}
    <${Health} ctx=${ctx} tenant=${tenant} round=${round} />
    <section class="panel" aria-labelledby="projects-title">
      <h2 id="projects-title">Projects</h2>
      <p class="hint">A yellow dot marks a project with changes not yet in git.</p>
      <${Projects} ctx=${ctx} tenant=${tenant} round=${round} />
    </section>
    <section class="panel" aria-labelledby="resources-title">
      <h2 id="resources-title">Resources</h2>
      <${Resources} ctx=${ctx} tenant=${tenant} round=${round} />
    </section>`;
}
