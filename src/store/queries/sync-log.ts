import { NotFoundError } from "../../core/errors.js";
import type { SyncLogInput, SyncLogQuery } from "../../core/store.js";
import { MAX_LOG_DIAGNOSTICS, type Diagnostic, type SyncLogEntry } from "../../core/types.js";
import * as rows from "../rows.js";
import { definedOnly, jsonText } from "./columns.js";
import { now, type StoreContext } from "./context.js";
import { badRequest } from "./failures.js";
import { requireTenant } from "./tenants.js";

const MAX_PAGE = 1000;

/** The columns a patch sets; its undefined fields are left as they are. */
const patchColumns = (entry: Partial<SyncLogInput>) =>
  definedOnly({
    direction: entry.direction,
    status: entry.status,
    commit_sha: entry.commitSha,
    branch: entry.branch,
    pr_url: entry.prUrl,
    author: entry.author,
    files: jsonText(entry.files),
    resources: jsonText(entry.resources),
    error: entry.error,
    ...diagnosticColumns(entry.diagnostics),
    note: entry.note,
  });

/** Errors first, then the first MAX_LOG_DIAGNOSTICS, and how many there were. */
function diagnosticColumns(all: Diagnostic[] | undefined): { diagnostics?: string | null; diagnostic_count?: number } {
  if (all === undefined) return {};
  const ordered = [...all.filter((d) => d.severity === "error"), ...all.filter((d) => d.severity !== "error")];
  return {
    diagnostics: ordered.length === 0 ? null : JSON.stringify(ordered.slice(0, MAX_LOG_DIAGNOSTICS)),
    diagnostic_count: ordered.length,
  };
}

export async function appendSyncLog(cx: StoreContext, tenant: string, entry: SyncLogInput): Promise<SyncLogEntry> {
  await requireTenant(cx, tenant);
  const at = now();
  const row = await cx.db
    .insertInto("sync_log")
    .values({
      tenant,
      direction: entry.direction,
      status: entry.status,
      commit_sha: entry.commitSha ?? null,
      branch: entry.branch ?? null,
      pr_url: entry.prUrl ?? null,
      author: entry.author ?? null,
      files: JSON.stringify(entry.files ?? []),
      resources: JSON.stringify(entry.resources ?? []),
      error: entry.error ?? null,
      ...diagnosticColumns(entry.diagnostics ?? []),
      note: entry.note ?? null,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rows.toSyncLogEntry(row);
}

/** Sets only the fields given; the others keep their value. */
export async function updateSyncLog(cx: StoreContext, id: number, patch: Partial<SyncLogInput>): Promise<SyncLogEntry> {
  const row = await cx.db
    .updateTable("sync_log")
    .set({ updated_at: now(), ...patchColumns(patch) })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`sync log entry ${id} not found`, { id });
  return rows.toSyncLogEntry(row);
}

export async function getSyncLog(cx: StoreContext, tenant: string, id: number): Promise<SyncLogEntry | null> {
  const row = await cx.db.selectFrom("sync_log").selectAll().where((eb) => eb.and({ tenant, id })).executeTakeFirst();
  return row ? rows.toSyncLogEntry(row) : null;
}

/** Newest first; `before` pages backwards by id. */
export async function listSyncLog(cx: StoreContext, tenant: string, query: SyncLogQuery): Promise<SyncLogEntry[]> {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) {
    throw badRequest(`limit must be an integer from 1 to ${MAX_PAGE}`, "limit");
  }
  let q = cx.db.selectFrom("sync_log").selectAll().where("tenant", "=", tenant);
  if (query.before !== undefined) q = q.where("id", "<", query.before);
  if (query.direction !== undefined) q = q.where("direction", "=", query.direction);
  if (query.status !== undefined) q = q.where("status", "=", query.status);
  if (query.commitSha !== undefined) {
    if (!/^[0-9a-f]{7,64}$/.test(query.commitSha)) throw badRequest("commitSha must be 7 to 64 lowercase hex digits", "commitSha");
    q = q.where("commit_sha", "like", `${query.commitSha}%`);
  }
  return (await q.orderBy("id", "desc").limit(query.limit).execute()).map(rows.toSyncLogEntry);
}
