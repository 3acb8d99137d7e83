import type { GitConnection, PushEvent } from "../core/index.js";
import type { SyncDeps } from "./deps.js";
import { touchesConfig } from "./change-flow.js";

/**
 * A push to a repository several tenants share (each under its own path) is read once: its
 * changed paths come from the payload when it lists them completely, else from one compare of
 * the whole repository. Each tenant then reads only its own files, and a tenant whose path the
 * push did not touch costs no provider request.
 */

/** What a branch's `before` is when the push created it: there is nothing to compare with. */
const NO_COMMIT = /^0*$/;

export interface PushTenant {
  tenant: string;
  git: GitConnection;
}

/**
 * The push's changed paths (renames' old paths included), or null when they cannot stand for
 * every tenant: a forced push or a new branch (each tenant then reconciles on its own), or a
 * compare that failed (each tenant compares on its own, as a lone tenant does).
 */
export async function pushChangedPaths(deps: SyncDeps, event: PushEvent, tenants: readonly PushTenant[]): Promise<string[] | null> {
  const first = tenants[0];
  if (first === undefined || event.forced || NO_COMMIT.test(event.before)) return null;
  if (event.changedPaths !== null) return event.changedPaths;
  try {
    const provider = await deps.providers(first.tenant, first.git);
    const changed = await provider.changedFiles({ repository: first.git.repository }, event.before, event.after, "");
    return changed.flatMap((c) => (c.previousPath !== undefined ? [c.path, c.previousPath] : [c.path]));
  } catch (error) {
    deps.log.warn(
      { repository: event.repository, commit: event.after, err: error instanceof Error ? error.message : String(error) },
      "reading a shared repository's push failed: each tenant reads its own change",
    );
    return null;
  }
}

/**
 * The tenants the push touched, and the others (all are "touched" when the paths are unknown).
 * The touched ones run first, so their change is not kept waiting behind the others' bookkeeping.
 */
export function splitTouched(deps: SyncDeps, tenants: readonly PushTenant[], changed: readonly string[] | null): [PushTenant[], PushTenant[]] {
  if (changed === null) return [[...tenants], []];
  const touched = new Set(tenants.filter((t) => touchesConfig(deps, t.git, changed)));
  return [[...touched], tenants.filter((t) => !touched.has(t))];
}

/**
 * Runs `fn` on every item, at most `limit` at a time; results in the items' order. One item's
 * failure does not stop the others: the first failure is thrown once all have run.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  const failures: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failures.length > 0) throw failures[0];
  return results;
}
