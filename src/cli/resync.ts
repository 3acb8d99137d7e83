import type { ResyncOutcome } from "../api/sync.js";
import { printJson, runRemote, shortSha, UsageError, type Io } from "./api-client.js";
import { formatDiagnostic } from "./import.js";

/**
 * `gitsync resync --direction to-git|from-git`: a full resync, explicit in its direction,
 * because each one overwrites the other side.
 */

const usage = `usage: gitsync resync --direction to-git|from-git [options]

A full resync:
  to-git      rebuild the branch from the tenant (one commit of every difference)
  from-git    rebuild the tenant from the branch (deletions follow the connection's policy)`;


export function run(argv: string[], io: Io = process): Promise<number> {
  return runRemote("resync", usage, argv, io, { direction: { type: "string" } }, async ({ client, tenant, json }, values) => {
    const direction = values.direction;
    if (direction !== "to-git" && direction !== "from-git") {
      throw new UsageError(direction === undefined ? "--direction to-git|from-git is required" : `--direction must be to-git or from-git, not '${String(direction)}'`);
    }
    const outcome = await client.request<ResyncOutcome>("POST", client.tenantPath(tenant, "/resync"), { direction });
    if (json) printJson(io, outcome);
    else io.stdout.write(describeResync(tenant, direction, outcome));
    return outcome.status === "done" ? 0 : 1;
  });
}

function describeResync(tenant: string, direction: "to-git" | "from-git", outcome: ResyncOutcome): string {
  const { entry } = outcome;
  if (outcome.status === "invalid") {
    const diagnostics = outcome.diagnostics ?? [];
    return `${diagnostics.map(formatDiagnostic).join("")}resync ${direction} of ${tenant}: the branch at ${shortSha(entry.commitSha)} has ${diagnostics.length} problem(s); nothing applied\n`;
  }
  if (entry.status === "skipped") return `resync ${direction} of ${tenant}: ${entry.error ?? "nothing to do"}\n`;
  if (direction === "to-git") {
    return `resync to-git of ${tenant}: committed ${shortSha(entry.commitSha)} to ${entry.branch ?? "the branch"} (${entry.files.length} file(s), sync log #${entry.id})\n`;
  }
  return `resync from-git of ${tenant}: rebuilt from ${shortSha(entry.commitSha)} (${entry.resources.length} resource(s) changed, sync log #${entry.id})\n`;
}
