import type { JsonObject } from "../../core/types.js";
import { credentialsContext } from "./connections.js";
import type { StoreContext } from "./context.js";
import { tokenContext, webhookSecretContext } from "./git-connections.js";
import { resealBody } from "./sealed-fields.js";

/** What a start-up pass did: values sealed again (or for the first time), and those it could not open. */
export interface ResealReport {
  resealed: number;
  unreadable: number;
}

/**
 * Brings every secret at rest to the current key: values sealed with a previous key (key
 * rotation) are sealed again, and resource fields stored as plaintext (before they were sealed,
 * or before an extra kind marked them secret) are sealed. A value no configured key opens is
 * (or that was altered) is left alone and counted: reading it later fails with a message
 * naming the key it needs, or saying it was altered.
 * Each row is updated only if it is still what was read, so a concurrent write always wins.
 */
export async function resealAll(cx: StoreContext, kindsWithSecrets: readonly string[]): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, unreadable: 0 };
  await resealConnections(cx, report);
  await resealGitTokens(cx, report);
  await resealGitWebhookSecrets(cx, report);
  await resealResources(cx, kindsWithSecrets, report);
  return report;
}

/** The sealed value under the current key; null when it already is, or cannot be opened. */
function freshSeal(cx: StoreContext, sealed: string, context: string, report: ResealReport): string | null {
  if (cx.secrets.isCurrent(sealed)) return null;
  if (!cx.secrets.knows(sealed)) {
    report.unreadable += 1;
    return null;
  }
  try {
    return cx.secrets.seal(cx.secrets.open(sealed, context), context);
  } catch {
    // Altered or moved: reading it reports that; the server still starts.
    report.unreadable += 1;
    return null;
  }
}

async function resealConnections(cx: StoreContext, report: ResealReport): Promise<void> {
  const found = await cx.db.selectFrom("connections").select(["tenant", "name", "credentials"]).where("credentials", "is not", null).execute();
  for (const row of found) {
    const sealed = freshSeal(cx, row.credentials as string, credentialsContext(row.tenant, row.name), report);
    if (sealed === null) continue;
    await cx.db
      .updateTable("connections")
      .set({ credentials: sealed })
      .where((eb) => eb.and({ tenant: row.tenant, name: row.name, credentials: row.credentials }))
      .execute();
    report.resealed += 1;
  }
}

async function resealGitTokens(cx: StoreContext, report: ResealReport): Promise<void> {
  const found = await cx.db.selectFrom("git_connections").select(["tenant", "token"]).where("token", "is not", null).execute();
  for (const row of found) {
    const sealed = freshSeal(cx, row.token as string, tokenContext(row.tenant), report);
    if (sealed === null) continue;
    await cx.db
      .updateTable("git_connections")
      .set({ token: sealed })
      .where((eb) => eb.and({ tenant: row.tenant, token: row.token }))
      .execute();
    report.resealed += 1;
  }
}

async function resealGitWebhookSecrets(cx: StoreContext, report: ResealReport): Promise<void> {
  const found = await cx.db.selectFrom("git_connections").select(["tenant", "webhook_secret"]).where("webhook_secret", "is not", null).execute();
  for (const row of found) {
    const sealed = freshSeal(cx, row.webhook_secret as string, webhookSecretContext(row.tenant), report);
    if (sealed === null) continue;
    await cx.db
      .updateTable("git_connections")
      .set({ webhook_secret: sealed })
      .where((eb) => eb.and({ tenant: row.tenant, webhook_secret: row.webhook_secret }))
      .execute();
    report.resealed += 1;
  }
}

async function resealResources(cx: StoreContext, kinds: readonly string[], report: ResealReport): Promise<void> {
  let query = cx.db.selectFrom("resources").select(["tenant", "kind", "name", "body"]);
  query = query.where((eb) => {
    const sealedAnywhere = eb("body", "like", "%$gitsync-sealed%");
    return kinds.length > 0 ? eb.or([eb("kind", "in", [...kinds]), sealedAnywhere]) : sealedAnywhere;
  });
  for (const row of await query.execute()) {
    const key = { tenant: row.tenant, kind: row.kind, name: row.name };
    const stored = JSON.parse(row.body) as JsonObject;
    if (!allKnown(cx, row.body, report)) continue;
    let next: JsonObject | null;
    try {
      next = resealBody(cx.secrets, cx.secretFields, key, stored);
    } catch {
      report.unreadable += 1;
      continue;
    }
    if (next === null) continue;
    // The version stays: the resource's content is the same, only how it is kept changed.
    await cx.db
      .updateTable("resources")
      .set({ body: JSON.stringify(next) })
      .where((eb) => eb.and({ ...key, body: row.body }))
      .execute();
    report.resealed += 1;
  }
}

/** Whether every sealed value in a stored body opens with a configured key (counted when not). */
function allKnown(cx: StoreContext, text: string, report: ResealReport): boolean {
  const sealed = text.match(/gcm1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g) ?? [];
  const unknown = sealed.filter((value) => !cx.secrets.knows(value)).length;
  report.unreadable += unknown;
  return unknown === 0;
}
