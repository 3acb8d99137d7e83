import type { SyncNowOutcome } from "../api/sync.js";
import { printJson, runRemote, shortSha, type Io } from "./api-client.js";

/** `gitsync sync`: commit the tenant's waiting app changes now instead of after the debounce. */

const usage = `usage: gitsync sync [options]

Commits the tenant's waiting app changes to its branch now (direct mode), instead of after
the debounce window.`;


export function run(argv: string[], io: Io = process): Promise<number> {
  return runRemote("sync", usage, argv, io, {}, async ({ client, tenant, json }) => {
    const outcome = await client.request<SyncNowOutcome>("POST", client.tenantPath(tenant, "/sync"));
    if (json) printJson(io, outcome);
    else if (outcome.status === "committed") io.stdout.write(`${tenant}: committed ${shortSha(outcome.sha)} (sync log #${outcome.logId})\n`);
    else io.stdout.write(`${tenant}: nothing committed: ${outcome.reason}\n`);
    return 0;
  });
}
