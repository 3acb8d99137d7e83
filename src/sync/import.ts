import type { Actor, Diagnostic } from "../core/index.js";
import { GitsyncError } from "../core/index.js";
import { validateTree } from "../validation/index.js";
import { occurrences } from "../validation/fields.js";
import type { SyncDeps } from "./deps.js";
import { applyPlan } from "./apply.js";
import { computePlan, type Plan } from "./plan.js";
import { resourceLabel } from "./inbound.js";

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
    const { store, catalog } = this.deps;
    const sourceTenant = request.source ?? request.tenant;
    if (!(await store.getTenant(sourceTenant))) throw new GitsyncError("not_found", `tenant '${sourceTenant}' not found`);
    const git = await store.getGitConnection(sourceTenant);
    const provider = await this.deps.providers(sourceTenant, git);
    const repo = { repository: git.repository };
    const sha = await provider.resolveRef(repo, request.ref);
    if (sha === null) throw new GitsyncError("not_found", `ref '${request.ref}' not found in ${git.provider} repository ${git.repository}`, { ref: request.ref });

    const files = await provider.readFiles(repo, sha, git.path);
    // Connection references are checked against the target below, to list what is missing.
    const tree = validateTree({ catalog, files, basePath: git.path, connections: null });
    const log = async (status: "done" | "failed", error: string | null, resources: string[] = []) => {
      if (request.dryRun) return null;
      this.deps.log.info(
        { tenant: request.tenant, source: sourceTenant, ref: request.ref, commit: sha, status, resources: resources.length, reason: error },
        "import",
      );
      return (
            await store.appendSyncLog(request.tenant, {
              direction: "IMPORT",
              status,
              commitSha: sha,
              branch: request.ref,
              author: request.actor.name,
              files: files.map((f) => f.path),
              resources,
              error,
            })
          ).id;
    };

    const errors = tree.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) {
      return { status: "invalid", sha, diagnostics: errors, logId: await log("failed", `${errors.length} validation error(s); nothing applied`) };
    }
    const have = new Set((await store.listConnections(request.tenant)).map((c) => c.name));
    const missing = new Set<string>();
    for (const resource of tree.resources) {
      const kind = catalog.byId(resource.kind);
      for (const ref of kind?.references ?? []) {
        if (ref.target !== "connection") continue;
        for (const { value } of occurrences(resource.body, ref.path)) if (typeof value === "string" && !have.has(value)) missing.add(value);
      }
    }
    if (missing.size > 0) {
      const names = [...missing].sort();
      return { status: "missing-connections", sha, missing: names, logId: await log("failed", `missing connections: ${names.join(", ")}; nothing applied`) };
    }

    const current = await store.listResources(request.tenant, undefined, { includeArchived: true });
    const incomingKeys = new Set(tree.resources.map(resourceLabel));
    const deleted = request.prune
      ? current.filter((r) => !r.archived && catalog.byId(r.kind)?.exported && !incomingKeys.has(resourceLabel(r)))
      : [];
    const plan = computePlan({ current, incoming: tree.resources, deleted, deletions: "archive" });
    if (request.dryRun) return { status: "planned", sha, plan, logId: null };

    const logId = await store.transaction(async (tx) => {
      await applyPlan(tx, request.tenant, plan, request.actor, { outbox: true });
      const entry = await tx.appendSyncLog(request.tenant, {
        direction: "IMPORT",
        status: "done",
        commitSha: sha,
        branch: request.ref,
        author: request.actor.name,
        files: files.map((f) => f.path),
        resources: plan.items.map(resourceLabel),
      });
      return entry.id;
    });
    this.deps.log.info(
      { tenant: request.tenant, source: sourceTenant, ref: request.ref, commit: sha, status: "done", counts: plan.counts },
      "import",
    );
    return { status: "applied", sha, plan, logId };
  }
}
