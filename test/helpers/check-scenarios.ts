import { readFileSync } from "node:fs";
import type { PullRequestEvent } from "../../src/core/index.js";
import { TENANT_GIT_TOKEN, type FetchRecorder, type RecordedRequest } from "./gitlab-bitbucket-world.js";
import type { SyncWorld } from "./sync-world.js";

/**
 * Inputs the GitLab and Bitbucket pull request check tests both use: the invalid configuration
 * fixtures and jobs whose findings sit on known lines.
 */

const invalidDir = new URL("../../fixtures/configs/invalid/", import.meta.url);

/** A file of fixtures/configs/invalid, by its path there. */
export function readInvalid(path: string): string {
  return readFileSync(new URL(path, invalidDir), "utf8");
}

/** A valid job whose `dependsOn` names `missing` jobs that do not exist: one finding each, on its own line. */
export function jobDependingOn(missing: number): { yaml: string; lines: { line: number; summary: string }[] } {
  const names = Array.from({ length: missing }, (_, i) => `missing-${String(i + 1).padStart(4, "0")}`);
  const yaml = [
    "name: load",
    "project: sales",
    "enabled: true",
    ...(missing === 0 ? ["dependsOn: []"] : ["dependsOn:", ...names.map((n) => `  - ${n}`)]),
    "tasks:",
    "  - name: load-orders",
    "    type: file-load",
    "    sourceConnection: warehouse",
    "    targetConnection: warehouse",
    "    tables: []",
    "",
  ].join("\n");
  // `dependsOn:` is line 4, so entry i sits on line 5 + i.
  const lines = names.map((n, i) => ({
    line: 5 + i,
    summary: `missing-reference: job '${n}' named by field 'dependsOn[${i}]' does not exist (no jobs/${n}.yaml)`,
  }));
  return { yaml, lines };
}

/** A valid job referring only to the tenant's `warehouse` connection. */
export const validJob = jobDependingOn(0).yaml;

/** The secrets the secret and connection fixtures hold, and the tenant's git token: none may be sent. */
export const LEAKABLE_VALUES = ["dapi-0123456789abcdef", "hunter2", TENANT_GIT_TOKEN];

/**
 * Two quick pushes to one pull request: `older` is evaluated, and when it sends the first
 * request matching `whileSending` (reading its diff) `newer` is evaluated in full before that
 * request goes out. Returns both evaluations' outcomes.
 */
export async function evaluateOverlapping(
  s: { recorder: FetchRecorder; world: SyncWorld },
  older: PullRequestEvent,
  newer: PullRequestEvent,
  whileSending: (r: RecordedRequest) => boolean,
): Promise<{ older: unknown; newer: unknown }> {
  let newerOutcome: unknown;
  s.recorder.hold(whileSending, async () => {
    newerOutcome = (await s.world.service.handleEvent(newer))[0]?.outcome;
  });
  const [stale] = await s.world.service.handleEvent(older);
  return { older: stale?.outcome, newer: newerOutcome };
}
