import type { ImportOutcome, PlanItem } from "../api/sync.js";
import type { Diagnostic } from "../core/types.js";
import { printJson, runRemote, shortSha, UsageError, type Io } from "./api-client.js";

/**
 * `gitsync import`: a branch or commit (of this tenant's repository or another tenant's) into
 * the tenant. The server validates first and lists connections the tenant lacks; `--dry-run`
 * only shows the plan.
 */

const usage = `usage: gitsync import --ref <branch|sha> [--source <tenant>] [--prune] [--dry-run] [options]

Imports a branch or commit into the tenant: same-name resources are replaced, in one step.
  --ref REF          the branch or commit to import (required)
  --source TENANT    the tenant whose repository holds REF (default: the tenant itself)
  --prune            archive the tenant's resources that REF does not have
  --dry-run          show what would change, change nothing`;

export function run(argv: string[], io: Io = process): Promise<number> {
  const own = {
    ref: { type: "string" },
    source: { type: "string" },
    prune: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
  } as const;
  return runRemote("import", usage, argv, io, own, async ({ client, tenant, json }, values) => {
    const ref = typeof values.ref === "string" ? values.ref : "";
    if (ref === "") throw new UsageError("--ref <branch|sha> is required");
    const source = typeof values.source === "string" ? values.source : undefined;
    const request = {
      ref,
      ...(source !== undefined ? { source } : {}),
      ...(values.prune === true ? { prune: true } : {}),
      ...(values["dry-run"] === true ? { dryRun: true } : {}),
    };
    const outcome = await client.request<ImportOutcome>("POST", client.tenantPath(tenant, "/imports"), request);
    if (json) printJson(io, outcome);
    else io.stdout.write(describeImport(outcome, { tenant, ref, source: source ?? tenant }));
    return outcome.status === "planned" || outcome.status === "applied" ? 0 : 1;
  });
}

function describeImport(outcome: ImportOutcome, at: { tenant: string; ref: string; source: string }): string {
  const from = `${at.ref} (${shortSha(outcome.sha)})${at.source !== at.tenant ? ` of ${at.source}` : ""}`;
  switch (outcome.status) {
    case "invalid": {
      const diagnostics = outcome.diagnostics ?? [];
      return `${diagnostics.map(formatDiagnostic).join("")}import of ${from} into ${at.tenant}: ${diagnostics.length} problem(s) in the source; nothing applied\n`;
    }
    case "missing-connections":
      return (
        `import of ${from} into ${at.tenant}: nothing applied; ${at.tenant} lacks these connections:\n` +
        (outcome.missing ?? []).map((name) => `  ${name}\n`).join("") +
        `create them (or import the source's connections export) and run the import again\n`
      );
    default: {
      const items = outcome.plan?.items ?? [];
      const head =
        outcome.status === "planned"
          ? `import of ${from} into ${at.tenant} (dry run, nothing changed):\n`
          : `imported ${from} into ${at.tenant}${outcome.logId ? ` (sync log #${outcome.logId})` : ""}:\n`;
      if (items.length === 0) return `${head}  no changes: ${at.tenant} already holds what ${at.ref} has\n`;
      return `${head}${formatPlan(items)}  ${countsLine(outcome.plan?.counts ?? {})}\n`;
    }
  }
}

/** The same line as `gitsync validate` prints, so editors and CI can read both. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}\n`;
}

const NO_PROJECT = "(no project)";

/** Grouped by project as in the pull request summary; resources without one come last. */
export function formatPlan(items: PlanItem[]): string {
  const groups = new Map<string, PlanItem[]>();
  for (const item of items) {
    const key = item.project ?? NO_PROJECT;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const names = [...groups.keys()].sort((a, b) => (a === NO_PROJECT ? 1 : b === NO_PROJECT ? -1 : a.localeCompare(b)));
  let out = "";
  for (const name of names) {
    out += `  ${name}\n`;
    for (const item of groups.get(name) ?? []) {
      const what = item.restored ? "restore" : item.action;
      const fields = item.action === "update" && item.fields?.length ? `: ${item.fields.join(", ")}` : "";
      out += `    ${what} ${item.kind} ${item.name}${fields}\n`;
    }
  }
  return out;
}

function countsLine(counts: Record<string, number>): string {
  const parts = (["create", "update", "archive", "delete", "keep"] as const)
    .filter((a) => (counts[a] ?? 0) > 0)
    .map((a) => `${counts[a]} to ${a}`);
  return parts.length > 0 ? parts.join(", ") : "no changes";
}
