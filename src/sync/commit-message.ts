import type { Actor } from "../core/index.js";

/**
 * Commit messages gitsync writes. The `Gitsync-Tenant:` trailer marks a commit as gitsync's
 * own, so it is recognised when it comes back in a push; `Co-authored-by:` credits everyone
 * whose changes a batched commit holds (GitHub, GitLab and Bitbucket all read that trailer).
 */

export const TENANT_TRAILER = "Gitsync-Tenant";

export function formatActor(actor: Actor): string {
  return `${actor.name} <${actor.email}>`;
}

/** Distinct actors in order of first appearance (by email, case-insensitive). */
export function distinctActors(actors: Actor[]): Actor[] {
  const seen = new Set<string>();
  const out: Actor[] = [];
  for (const actor of actors) {
    const id = actor.email.toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(actor);
  }
  return out;
}

export function buildCommitMessage(input: { subject: string; body?: string; tenant: string; coAuthors: Actor[] }): string {
  const trailers = [
    ...distinctActors(input.coAuthors).map((a) => `Co-authored-by: ${formatActor(a)}`),
    `${TENANT_TRAILER}: ${input.tenant}`,
  ];
  const parts = [input.subject.trim()];
  if (input.body && input.body.trim() !== "") parts.push(input.body.trim());
  parts.push(trailers.join("\n"));
  return `${parts.join("\n\n")}\n`;
}

/** A resource a commit creates, updates or deletes. */
export interface CommittedChange {
  action: "create" | "update" | "delete";
  kind: string;
  name: string;
}

const VERB = { create: "Create", update: "Update", delete: "Delete" } as const;
const PAST = { create: "created", update: "updated", delete: "deleted" } as const;

/**
 * "Create model accounts" for one resource; "Delete 2 resources" when all share an action;
 * "Update 3 resources (1 created, 2 updated)" when they do not.
 */
export function changeSubject(changes: readonly CommittedChange[]): string {
  const [first] = changes;
  if (!first) return "Update no resources";
  if (changes.length === 1) return `${VERB[first.action]} ${first.kind} ${first.name}`;
  const counts = (["create", "update", "delete"] as const)
    .map((action) => [action, changes.filter((c) => c.action === action).length] as const)
    .filter(([, n]) => n > 0);
  const total = `${changes.length} resources`;
  if (counts.length === 1) return `${VERB[first.action]} ${total}`;
  return `Update ${total} (${counts.map(([action, n]) => `${n} ${PAST[action]}`).join(", ")})`;
}

/** One line per resource with its action, in the order given: "- Delete sync old-sync". */
export function changeBody(changes: readonly CommittedChange[]): string {
  return changes.map((c) => `- ${VERB[c.action]} ${c.kind} ${c.name}`).join("\n");
}

/** The tenant named by a commit message's trailer, or null for a commit gitsync did not make. */
export function tenantOfCommit(message: string): string | null {
  const match = new RegExp(`^${TENANT_TRAILER}: *([a-z0-9][a-z0-9-]*) *$`, "m").exec(message);
  return match?.[1] ?? null;
}

/** `<tenant>/<yyyy.mm.dd>.<n>`: the snapshot branch of a day; n counts up from 1 within it. */
export function snapshotBranchName(tenant: string, date: Date, n: number): string {
  const y = date.getUTCFullYear();
  const m = String(date.getUTCMonth() + 1).padStart(2, "0");
  const d = String(date.getUTCDate()).padStart(2, "0");
  return `${tenant}/${y}.${m}.${d}.${n}`;
}

export function conflictBranchName(tenant: string, n: number): string {
  return `gitsync/conflict/${tenant}/${n}`;
}
