import type { Actor, Diagnostic, FileContent, GitConnection, GitProvider } from "../core/index.js";
import { GitsyncError } from "../core/index.js";
import { occurrences } from "../validation/fields.js";
import type { SyncDeps } from "./deps.js";
import { planChange, wholeTree, type PlannedChange } from "./change-flow.js";
import { applyImported } from "./imported-change.js";
import type { Plan } from "./plan.js";

/**
 * IMPORT: a branch or commit of a tenant's repository (its own, or another tenant's: dev →
 * prod promotion) into a target tenant. Validated first; connections the target lacks are
 * listed and nothing is applied; otherwise same-name resources are replaced (and, with
 * `prune`, those absent from the source archived) in one transaction. The changes go to the
 * target's outbox so they reach its git like any app change.
 */

export interface ImportRequest {
  tenant: string;
  ref: string;
  /** The tenant whose git connection holds `ref`; the target itself by default. */
  source?: string;
  prune?: boolean;
  /** Compute and return the plan without applying it. */
  dryRun?: boolean;
  actor: Actor;
}

export type ImportOutcome =
  | { status: "applied" | "planned"; sha: string; plan: Plan; logId: number | null }
  | { status: "invalid"; sha: string; diagnostics: Diagnostic[]; logId: number | null }
  | { status: "missing-connections"; sha: string; missing: string[]; logId: number | null };

export class ImportSync {
  constructor(private readonly deps: SyncDeps) {}

  async run(request: ImportRequest): Promise<ImportOutcome> {
    const { store } = this.deps;
    const sourceTenant = request.source ?? request.tenant;
    if (!(await store.getTenant(sourceTenant))) throw new GitsyncError("not_found", `tenant '${sourceTenant}' not found`);
    const git = await store.getGitConnection(sourceTenant);
    const provider = await this.deps.providers(sourceTenant, git);
    const repo = { repository: git.repository };
    const sha = await provider.resolveRef(repo, request.ref);
    if (sha === null) throw new GitsyncError("not_found", `ref '${request.ref}' not found in ${git.provider} repository ${git.repository}`, { ref: request.ref });

    const files = await provider.readFiles(repo, sha, git.path);
    const log = async (status: "done" | "failed", error: string | null, resources: string[] = []) => {
      if (request.dryRun) return null;
      this.deps.log.info(
        { tenant: request.tenant, source: sourceTenant, ref: request.ref, commit: sha, status, resources: resources.length, reason: error },
        "import",
      );
      const entry = await store.appendSyncLog(request.tenant, {
        direction: "IMPORT",
        status,
        commitSha: sha,
        branch: request.ref,
        author: request.actor.name,
        files: files.map((f) => f.path),
        resources,
        error,
      });
      return entry.id;
    };

    // The same flow as a push: validated against the target as it will be, then planned.
    // Connection references are left out here, to list what the target lacks below.
    const current = await store.listResources(request.tenant, undefined, { includeArchived: true });
    const change = wholeTree(this.deps, git.path, files, current, request.prune === true);
    const planned = await planChange(this.deps, request.tenant, git, change, {
      basePath: git.path,
      deletions: "archive",
      checkConnections: false,
      conflicts: false,
    });
    if (planned.errors.length > 0) {
      const errors = planned.errors;
      return { status: "invalid", sha, diagnostics: errors, logId: await log("failed", `${errors.length} validation error(s); nothing applied`) };
    }
    const missing = missingConnections(this.deps, planned.plan, new Set((await store.listConnections(request.tenant)).map((c) => c.name)));
    if (missing.length > 0) {
      return { status: "missing-connections", sha, missing, logId: await log("failed", `missing connections: ${missing.join(", ")}; nothing applied`) };
    }
    const plan = planned.plan;
    if (request.dryRun) return { status: "planned", sha, plan, logId: null };

    const logId = await this.apply(request, { git, provider, sha, files, planned });
    this.deps.log.info(
      { tenant: request.tenant, source: sourceTenant, ref: request.ref, commit: sha, status: "done", counts: plan.counts },
      "import",
    );
    return { status: "applied", sha, plan, logId };
  }

  private async apply(
    request: ImportRequest,
    at: { git: GitConnection; provider: GitProvider; sha: string; files: FileContent[]; planned: PlannedChange },
  ): Promise<number> {
    const { git, provider, sha, files, planned } = at;
    return applyImported(this.deps, {
      tenant: request.tenant,
      git,
      provider,
      sha,
      actor: request.actor,
      planned,
      branch: request.ref,
      files: files.map((f) => f.path),
    });
  }
}

/** The connections the plan's resources name that the target lacks, sorted. */
function missingConnections(deps: SyncDeps, plan: Plan, have: ReadonlySet<string>): string[] {
  const missing = new Set<string>();
  for (const item of plan.items) {
    if (!item.body) continue;
    for (const ref of deps.catalog.byId(item.kind)?.references ?? []) {
      if (ref.target !== "connection") continue;
      for (const { value } of occurrences(item.body, ref.path)) if (typeof value === "string" && !have.has(value)) missing.add(value);
    }
  }
  return [...missing].sort();
}
