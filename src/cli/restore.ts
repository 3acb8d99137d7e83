import type { RestoreOutcome } from "../api/review.js";
import type { Diagnostic } from "../core/types.js";
import { ApiError, printJson, runRemote, shortSha, UsageError, type Io } from "./api-client.js";
import { formatDiagnostic, formatPlan } from "./import.js";

/**
 * `gitsync restore <tenant> --ref <sha>`: the tenant, or some resources, as they were at a
 * commit. The server plans first and refuses a restore that would leave the tenant invalid;
 * what it applies reaches git like any app change.
 */

const usage = `usage: gitsync restore [<tenant>] --ref <sha|branch> [--resource kind/name ...] [--dry-run] [options]

Restores the tenant (or only the named resources) as it was at a commit of its branch.
  <tenant>                the tenant (or --tenant; default GITSYNC_TENANT, then demo)
  --ref REF               the commit or branch to restore from (required)
  --resource KIND/NAME    only this resource, e.g. models/orders (repeatable)
  --dry-run               show the plan, change nothing`;

/** A leading positional is the tenant, as `gitsync restore acme --ref ...` reads. */
function tenantFirst(argv: string[]): string[] {
  const [first, ...rest] = argv;
  return first !== undefined && !first.startsWith("-") ? ["--tenant", first, ...rest] : argv;
}

function parseResource(text: string): { kind: string; name: string } {
  const match = /^([a-z0-9][a-z0-9-]*)\/([a-z0-9][a-z0-9._-]{0,99})$/.exec(text);
  if (!match) throw new UsageError(`--resource must be KIND/NAME such as models/orders, not '${text}'`);
  return { kind: match[1]!, name: match[2]! };
}

export function run(argv: string[], io: Io = process): Promise<number> {
  const own = {
    ref: { type: "string" },
    resource: { type: "string", multiple: true },
    "dry-run": { type: "boolean", default: false },
  } as const;
  return runRemote("restore", usage, tenantFirst(argv), io, own, async ({ client, tenant, json }, values) => {
    const ref = typeof values.ref === "string" ? values.ref : "";
    if (ref === "") throw new UsageError("--ref <sha|branch> is required");
    const named = values.resource as unknown as string[] | undefined;
    const resources = (named ?? []).map(parseResource);
    const request = { ref, ...(resources.length > 0 ? { resources } : {}), ...(values["dry-run"] === true ? { dryRun: true } : {}) };
    let outcome: RestoreOutcome;
    try {
      outcome = await client.request<RestoreOutcome>("POST", client.tenantPath(tenant, "/restore"), request);
    } catch (error) {
      const diagnostics = refusedFindings(error);
      if (!diagnostics) throw error;
      // Refused because the tenant would be invalid: the findings, in `gitsync validate` form.
      io.stderr.write(`${diagnostics.map(formatDiagnostic).join("")}gitsync restore: ${(error as Error).message}; nothing changed\n`);
      return 1;
    }
    if (json) printJson(io, outcome);
    else io.stdout.write(describe(outcome, tenant, ref));
    return 0;
  });
}

function refusedFindings(error: unknown): Diagnostic[] | null {
  if (!(error instanceof ApiError) || error.code !== "validation_failed") return null;
  const diagnostics = (error.details as { diagnostics?: unknown } | null)?.diagnostics;
  return Array.isArray(diagnostics) ? (diagnostics as Diagnostic[]) : null;
}

function describe(outcome: RestoreOutcome, tenant: string, ref: string): string {
  const at = outcome.sha.startsWith(ref) ? shortSha(outcome.sha) : `${ref} (${shortSha(outcome.sha)})`;
  if (outcome.status === "unchanged") return `restore of ${tenant} at ${at}: no changes, the tenant already matches\n`;
  const head =
    outcome.status === "planned"
      ? `restore of ${tenant} at ${at} (dry run, nothing changed):\n`
      : `restored ${tenant} at ${at}${outcome.logId ? ` (sync log #${outcome.logId})` : ""}; the change goes to git like any app change:\n`;
  return `${head}${formatPlan(outcome.plan.items)}`;
}
