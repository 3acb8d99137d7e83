import { createHash } from "node:crypto";
import type { CheckedPlan } from "../core/index.js";
import type { Plan, PlanItem } from "./plan.js";

/**
 * A plan's fingerprint: a hash over one line per item (action, resource, changed fields and a
 * hash of the body it would store) plus the conflicts it would keep. The check records it, and
 * the merge compares its own plan with it, naming the lines that differ.
 */

export interface PlanDigest {
  fingerprint: string;
  items: string[];
}

function bodyHash(item: PlanItem): string {
  return item.body === undefined ? "" : ` #${createHash("sha256").update(JSON.stringify(item.body)).digest("hex").slice(0, 12)}`;
}

export function planLines(plan: Plan, conflicts: readonly string[] = []): string[] {
  const lines = plan.items
    .filter((i) => i.action !== "keep")
    .map((i) => `${i.action} ${i.kind}/${i.name}${i.fields ? ` (${i.fields.join(", ")})` : ""}${bodyHash(i)}`);
  return [...lines, ...conflicts.map((c) => `conflict ${c}`)].sort();
}

export function digestPlan(plan: Plan, conflicts: readonly string[] = []): PlanDigest {
  const items = planLines(plan, conflicts);
  return { fingerprint: createHash("sha256").update(items.join("\n")).digest("hex"), items };
}

/** How an applied plan compares with the one a pull request's check showed: a sync log note. */
export function compareWithCheck(checked: CheckedPlan, applied: PlanDigest): string {
  const at = `pull request #${checked.pullRequest} at ${checked.headSha.slice(0, 12)}`;
  if (checked.fingerprint === applied.fingerprint) {
    return `applied plan equals the one checked on ${at} (plan ${applied.fingerprint.slice(0, 12)})`;
  }
  const shown = new Set(checked.items);
  const done = new Set(applied.items);
  const missing = checked.items.filter((l) => !done.has(l));
  const extra = applied.items.filter((l) => !shown.has(l));
  return [
    `applied plan differs from the one checked on ${at} (checked ${checked.fingerprint.slice(0, 12)}, applied ${applied.fingerprint.slice(0, 12)})`,
    ...(missing.length > 0 ? [`checked but not applied: ${missing.join("; ")}`] : []),
    ...(extra.length > 0 ? [`applied but not checked: ${extra.join("; ")}`] : []),
  ].join(". ");
}
