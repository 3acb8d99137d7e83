import { resourcePath, serializeResource } from "../../catalog/serialize.js";
import { MAX_LOG_DIAGNOSTICS, type Diagnostic } from "../../core/types.js";
import { validateTree, type ConfigFile } from "../../validation/index.js";
import type { SyncDeps } from "../deps.js";

/** A tenant's whole-state verdict, as its status page shows it. */
export interface IntegrityReport {
  valid: boolean;
  checkedAt: string;
  /** The first MAX_LOG_DIAGNOSTICS findings, errors first, on the files outbound would write. */
  diagnostics: Diagnostic[];
  diagnosticCount: number;
}

/**
 * The whole-tenant check. Writes keep a valid tenant valid (see write-check and delete-check),
 * so this runs once per tenant at start, for a tenant an earlier version left invalid. Such a
 * tenant is checked again after each change to it until it is valid; a valid one never is.
 */
export class TenantIntegrity {
  private readonly reports = new Map<string, IntegrityReport>();
  private readonly running = new Map<string, Promise<IntegrityReport>>();

  constructor(private readonly deps: SyncDeps) {}

  report(tenant: string): IntegrityReport | null {
    return this.reports.get(tenant) ?? null;
  }

  /** Every tenant: rebuilds its reference index and validates it; invalid ones are logged. */
  async checkAll(): Promise<void> {
    for (const tenant of await this.deps.store.listTenants()) {
      await this.deps.store.rebuildReferences(tenant.slug);
      await this.check(tenant.slug);
    }
  }

  /** After a change: only a tenant known to be invalid is validated again. */
  async changed(tenant: string): Promise<void> {
    if (this.reports.get(tenant)?.valid === false) await this.check(tenant);
  }

  check(tenant: string): Promise<IntegrityReport> {
    let run = this.running.get(tenant);
    if (!run) {
      run = this.validate(tenant).finally(() => this.running.delete(tenant));
      this.running.set(tenant, run);
    }
    return run;
  }

  private async validate(tenant: string): Promise<IntegrityReport> {
    const { store, catalog, log } = this.deps;
    const [resources, connections] = await Promise.all([store.listResources(tenant), store.listConnections(tenant)]);
    const files: ConfigFile[] = [];
    for (const r of resources) {
      const kind = catalog.byId(r.kind);
      if (!kind?.exported) continue;
      files.push({ path: resourcePath("", kind.folder, r.name, "yaml"), content: serializeResource(catalog, r.kind, r.body, "yaml") });
    }
    const all = validateTree({ catalog, files, connections: connections.map((c) => c.name), resources: false }).diagnostics;
    const errors = all.filter((d) => d.severity === "error");
    const report: IntegrityReport = {
      valid: errors.length === 0,
      checkedAt: this.deps.now().toISOString(),
      diagnostics: [...errors, ...all.filter((d) => d.severity !== "error")].slice(0, MAX_LOG_DIAGNOSTICS),
      diagnosticCount: all.length,
    };
    const before = this.reports.get(tenant);
    this.reports.set(tenant, report);
    if (!report.valid) {
      log.warn(
        { tenant, errors: errors.length, diagnostics: report.diagnostics.slice(0, 10).map(formatDiagnostic) },
        `tenant ${tenant} is invalid: ${errors.length} error(s); fix them through the API or a push`,
      );
    } else if (before?.valid === false) {
      log.info({ tenant }, `tenant ${tenant} is valid again`);
    }
    return report;
  }
}

/** The `gitsync validate` text form: `file:line:col: severity code: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}
