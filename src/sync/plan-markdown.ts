import { groupByProject, type Plan, type PlanAction } from "./plan.js";

/**
 * The plan as Markdown, for check summaries, pull request comments and snapshot PR bodies.
 * Providers cap these texts, so the renderer cuts whole lines and says visibly that it did.
 */

const VERB: Record<PlanAction, string> = {
  create: "create",
  update: "update",
  delete: "delete",
  archive: "archive",
  keep: "keep (deletion policy)",
};

export function planCountsLine(plan: Plan): string {
  const { create, update, delete: del, archive, keep } = plan.counts;
  const parts = [`${create} to create`, `${update} to update`, `${del + archive} to delete or archive`];
  if (keep > 0) parts.push(`${keep} kept by the deletion policy`);
  return parts.join(", ");
}

export function renderPlanMarkdown(plan: Plan): string {
  if (plan.items.length === 0) return "Merging changes nothing in the tenant.\n";
  const lines = [`**Plan:** ${planCountsLine(plan)}.`, ""];
  for (const group of groupByProject(plan)) {
    lines.push(`#### ${group.project === null ? "No project" : `Project \`${escapeCell(group.project)}\``}`, "");
    lines.push("| action | kind | resource | changed fields |", "| --- | --- | --- | --- |");
    for (const item of group.items) {
      const verb = item.restored ? "restore" : VERB[item.action];
      const fields = item.fields?.map((f) => `\`${escapeCell(f)}\``).join(", ") ?? "";
      lines.push(`| ${verb} | ${item.kind} | \`${escapeCell(item.name)}\` | ${fields} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/`/g, "'");
}

/**
 * Cuts `text` to at most `max` characters at a line boundary and appends a visible note, so a
 * reader knows the summary is incomplete rather than silently losing the end.
 */
export function truncateMarkdown(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = "\n\n_… truncated: the full report is longer than this provider allows._\n";
  const room = Math.max(0, max - note.length);
  const cut = text.lastIndexOf("\n", room);
  return text.slice(0, cut > 0 ? cut : room) + note;
}
