import type { SyncLogEntry } from "../api/log.js";
import { printJson, runRemote, shortSha, type Io } from "./api-client.js";

/**
 * `gitsync snapshot`: "Sync changes". Queues a snapshot, then follows its status until it
 * settles (done with the pull request, skipped, or failed), saying each change.
 */

const usage = `usage: gitsync snapshot [--no-wait] [options]

Pushes a snapshot of the tenant to a new branch <tenant>/<yyyy.mm.dd>.<n> and opens a pull
request, as the web UI's "Sync changes" does, and follows it until it is done.
  --no-wait        return as soon as the snapshot is queued`;

export const POLL_MS = 500;
const SETTLED = new Set(["done", "failed", "skipped", "conflict"]);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function run(argv: string[], io: Io = process): Promise<number> {
  return runRemote("snapshot", usage, argv, io, { "no-wait": { type: "boolean", default: false } }, async ({ client, tenant, json }, values) => {
    let entry = await client.request<SyncLogEntry>("POST", client.tenantPath(tenant, "/snapshots"));
    if (!json) io.stdout.write(`${tenant}: snapshot #${entry.id} ${entry.status}\n`);
    if (values["no-wait"] === true) {
      if (json) printJson(io, entry);
      return 0;
    }
    const sleep = io.sleep ?? defaultSleep;
    while (!SETTLED.has(entry.status)) {
      await sleep(POLL_MS);
      const next = await client.request<SyncLogEntry>("GET", client.tenantPath(tenant, `/snapshots/${entry.id}`));
      if (next.status !== entry.status && !json && !SETTLED.has(next.status)) io.stdout.write(`${tenant}: snapshot #${next.id} ${next.status}\n`);
      entry = next;
    }
    if (json) printJson(io, entry);
    else io.stdout.write(`${tenant}: ${settledLine(entry)}\n`);
    return entry.status === "failed" || entry.status === "conflict" ? 1 : 0;
  });
}

function settledLine(entry: SyncLogEntry): string {
  const id = `snapshot #${entry.id}`;
  switch (entry.status) {
    case "done": {
      const files = entry.files.length > 0 ? ` (${entry.files.length} file(s))` : "";
      const where = entry.branch ? ` on branch ${entry.branch} at ${shortSha(entry.commitSha)}` : "";
      return `${id} done${where}${files}\n  pull request: ${entry.prUrl ?? "(none opened)"}`;
    }
    case "skipped":
      return `${id} skipped: ${entry.error ?? "nothing to sync"}`;
    default:
      return `${id} ${entry.status}: ${entry.error ?? "no reason given"}`;
  }
}
