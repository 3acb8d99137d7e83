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
