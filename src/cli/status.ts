import type { SyncLogEntry, SyncLogPage } from "../api/log.js";
import type { Project, ProjectList } from "../api/resources.js";
import type { TenantStatus } from "../api/sync.js";
import { printJson, runRemote, shortSha, type Io } from "./api-client.js";

/** `gitsync status`: the tenant's git connection, what waits to be committed, per-project pending changes and the latest sync log. */

const usage = `usage: gitsync status [options]

Shows the tenant's git connection, its last applied and committed commits, the app changes
waiting to be committed, pending changes per project and the last 5 sync log entries.`;

const LOG_ENTRIES = 5;

export function run(argv: string[], io: Io = process): Promise<number> {
  return runRemote("status", usage, argv, io, {}, async ({ client, tenant, json }) => {
    const [status, projects, log] = await Promise.all([
      client.request<TenantStatus>("GET", client.tenantPath(tenant, "/status")),
      client.request<ProjectList>("GET", client.tenantPath(tenant, "/projects")),
      client.request<SyncLogPage>("GET", client.tenantPath(tenant, `/log?limit=${LOG_ENTRIES}`)),
    ]);
    const recent = log.items.slice(0, LOG_ENTRIES);
    if (json) printJson(io, { tenant, ...status, projects: projects.items, pendingError: projects.pendingError ?? null, log: recent });
    else io.stdout.write(report(tenant, status, projects.items, projects.pendingError ?? null, recent));
    return 0;
  });
}

function report(tenant: string, status: TenantStatus, projects: Project[], pendingError: string | null, log: SyncLogEntry[]): string {
  const { git } = status;
  const where = git.provider === "local" ? "the local repository" : `${git.provider} repository ${git.repository}`;
  const mode = git.outbound === "direct" ? `direct commits after ${git.debounceMs} ms` : "pull requests";
  const lines = [
    `tenant ${tenant}: ${where}, branch ${git.branch}${git.path ? `, folder ${git.path}` : ""} (${git.format}, ${mode}, deletions: ${git.deletions})`,
    `  last applied commit:   ${shortSha(status.lastAppliedSha)}`,
    `  last gitsync commit:   ${shortSha(status.lastCommittedSha)}${status.lastCommitAt ? ` at ${status.lastCommitAt}` : ""}`,
    `  waiting app changes:   ${status.waiting === 0 ? "none" : status.waiting}`,
    "projects:",
  ];
  if (projects.length === 0) lines.push("  (none)");
  for (const p of projects) {
    const { created, updated, deleted } = p.pendingChanges;
    const pending = created + updated + deleted === 0 ? "in sync" : `pending: ${created} created, ${updated} updated, ${deleted} deleted`;
    lines.push(`  ${p.name ?? "(no project)"}: ${p.resources} resource(s), ${pending}`);
  }
  if (pendingError) lines.push(`  pending changes unknown: ${pendingError}`);
  lines.push(`last ${LOG_ENTRIES} sync log entries:`);
  if (log.length === 0) lines.push("  (none)");
  for (const e of log) {
    const extra = e.prUrl ? ` ${e.prUrl}` : e.error ? `: ${e.error}` : "";
    const by = e.author ? ` by ${e.author}` : "";
    lines.push(`  #${e.id} ${e.createdAt} ${e.direction} ${e.status} ${shortSha(e.commitSha)}${by}, ${e.resources.length} resource(s)${extra}`);
  }
  return `${lines.join("\n")}\n`;
}
