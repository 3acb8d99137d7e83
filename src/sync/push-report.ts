import { MAX_LOG_DIAGNOSTICS, type Diagnostic } from "../core/index.js";
import type { InboundCheck, InboundOutcome } from "./inbound.js";
import { formatDiagnostic } from "./integrity/index.js";

/**
 * What a local push prints (git shows each line as `remote: gitsync: ...`): the pre-receive
 * verdict, and after the push what inbound did. Findings use the `gitsync validate` text form.
 */

function findingLines(diagnostics: readonly Diagnostic[]): string[] {
  const ordered = [...diagnostics.filter((d) => d.severity === "error"), ...diagnostics.filter((d) => d.severity !== "error")];
  const lines = ordered.slice(0, MAX_LOG_DIAGNOSTICS).map(formatDiagnostic);
  if (ordered.length > MAX_LOG_DIAGNOSTICS) lines.push(`... and ${ordered.length - MAX_LOG_DIAGNOSTICS} more`);
  return lines;
}

const errorCount = (diagnostics: readonly Diagnostic[]): number => diagnostics.filter((d) => d.severity === "error").length;

export function checkLines(tenant: string, branch: string, check: InboundCheck): string[] {
  if (check.verdict === "noop") return [];
  if (check.verdict === "accepted") return [`tenant ${tenant}: ${branch} passed the check`, ...findingLines(check.diagnostics)];
  return [
    `push to ${branch} refused: tenant ${tenant} would not apply it (${errorCount(check.diagnostics)} error(s)); fix them and push again`,
    ...findingLines(check.diagnostics),
  ];
}

export function resultLines(tenant: string, outcome: InboundOutcome): string[] {
  switch (outcome.status) {
    case "applied": {
      const changed = outcome.plan.items.filter((i) => i.action !== "keep").length;
      const lines = [`tenant ${tenant}: applied ${changed} resource${changed === 1 ? "" : "s"} (sync log entry ${outcome.logId})`];
      if (outcome.conflicts.length > 0) lines.push(`tenant ${tenant}: the app's versions were kept on ${outcome.conflicts.join(", ")}`);
      return lines;
    }
    case "noop":
      return [`tenant ${tenant}: nothing applied: ${outcome.reason}`];
    case "failed":
      return [
        `tenant ${tenant}: refused, nothing applied: ${errorCount(outcome.diagnostics)} validation error(s) (sync log entry ${outcome.logId})`,
        ...findingLines(outcome.diagnostics),
      ];
  }
}
