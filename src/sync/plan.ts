import diff from "microdiff";
import type { DeletionPolicy, JsonObject, Resource } from "../core/index.js";

/**
 * The plan is computed first and applied second (safe-settings' model): the same plan is what
 * a PR check shows as its dry run, what an import shows before it is confirmed, and what an
 * inbound push applies.
 */

export interface IncomingResource {
  kind: string;
  name: string;
  body: JsonObject;
  project: string | null;
  /** The file it came from, for messages. */
  path?: string;
}

export type PlanAction = "create" | "update" | "delete" | "archive" | "keep";

export interface PlanItem {
  action: PlanAction;
  kind: string;
  name: string;
  project: string | null;
  /** create/update: the body to store. */
  body?: JsonObject;
  /** update: the changed field paths, e.g. `schedule.every`, `tasks[0].tables`. */
  fields?: string[];
  /** create of a resource that was archived: it is restored. */
  restored?: boolean;
  path?: string;
}

export interface Plan {
  items: PlanItem[];
  counts: Record<PlanAction, number>;
}

export interface PlanInput {
  /** The tenant's resources, archived ones included (a file for one restores it). */
  current: Resource[];
  incoming: IncomingResource[];
  /** Resources whose files were removed. */
  deleted: { kind: string; name: string }[];
  deletions: DeletionPolicy;
}

const key = (kind: string, name: string) => `${kind}\u0000${name}`;

export function computePlan(input: PlanInput): Plan {
  const current = new Map(input.current.map((r) => [key(r.kind, r.name), r]));
  const items: PlanItem[] = [];

  for (const next of input.incoming) {
    const existing = current.get(key(next.kind, next.name));
    const base = { kind: next.kind, name: next.name, project: next.project, body: next.body, path: next.path };
    if (!existing) {
      items.push({ action: "create", ...base });
    } else if (existing.archived) {
      items.push({ action: "create", restored: true, ...base });
    } else {
      const fields = changedFields(existing.body, next.body);
      if (fields.length > 0 || existing.project !== next.project) {
        items.push({ action: "update", fields: fields.length > 0 ? fields : ["project"], ...base });
      }
    }
  }

  const deletionAction: PlanAction =
    input.deletions === "delete" ? "delete" : input.deletions === "archive" ? "archive" : "keep";
  for (const gone of input.deleted) {
    const existing = current.get(key(gone.kind, gone.name));
    if (!existing || existing.archived) continue;
    items.push({ action: deletionAction, kind: gone.kind, name: gone.name, project: existing.project });
  }

  items.sort(compareItems);
  return { items, counts: countPlan(items) };
}

export function countPlan(items: readonly PlanItem[]): Record<PlanAction, number> {
  const counts: Record<PlanAction, number> = { create: 0, update: 0, delete: 0, archive: 0, keep: 0 };
  for (const item of items) counts[item.action] += 1;
  return counts;
}

/** Changed field paths between two bodies, sorted, each named once. */
export function changedFields(before: JsonObject, after: JsonObject): string[] {
  const paths = new Set<string>();
  for (const change of diff(before, after)) paths.add(formatPath(change.path));
  return [...paths].sort();
}

function formatPath(path: (string | number)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

/** Projects in order, resources without a project last; then kind and name. */
export function compareProjects(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b);
}

function compareItems(a: PlanItem, b: PlanItem): number {
  return compareProjects(a.project, b.project) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name);
}

/** True when applying the plan would change the tenant. */
export function planChangesTenant(plan: Plan): boolean {
  return plan.items.some((item) => item.action !== "keep");
}

/** Items grouped by project, projects sorted, resources without one last. */
export function groupByProject(plan: Plan): { project: string | null; items: PlanItem[] }[] {
  const groups = new Map<string | null, PlanItem[]>();
  for (const item of plan.items) {
    const list = groups.get(item.project) ?? [];
    list.push(item);
    groups.set(item.project, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareProjects(a, b))
    .map(([project, items]) => ({ project, items }));
}
