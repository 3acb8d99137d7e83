import type { Job, JobList } from "../api/jobs.js";
import { printJson, runRemote, UsageError, type Io } from "./api-client.js";

/** `gitsync jobs [list [--state S]] | retry ID`: the tenant's background jobs, and retrying a failed one. */

const usage = `usage: gitsync jobs [list] [--state queued|running|done|failed] [--limit N] [options]
       gitsync jobs retry ID [options]

Lists the tenant's background jobs (webhook events, outbound commits, snapshots), newest
first, with the error of the failed ones; "retry" queues a failed job again (admin).`;

export function run(argv: string[], io: Io = process): Promise<number> {
  const [first, second] = argv;
  const sub = first === "retry" || first === "list" ? first : "list";
  const rest = sub === first ? argv.slice(sub === "retry" ? 2 : 1) : argv;
  const id = sub === "retry" ? second : undefined;
  const own = { state: { type: "string" }, limit: { type: "string" } } as const;
  return runRemote("jobs", usage, rest, io, own, async ({ client, tenant, json }, values) => {
    if (sub === "retry") {
      if (id === undefined || id.startsWith("-")) throw new UsageError("retry needs the job's id");
      const job = await client.request<Job>("POST", client.tenantPath(tenant, `/jobs/${encodeURIComponent(id)}/retry`));
      if (json) printJson(io, job);
      else io.stdout.write(`job ${job.id} (${job.kind}) queued again\n`);
      return 0;
    }
    const query = new URLSearchParams();
    if (typeof values.state === "string") query.set("state", values.state);
    if (typeof values.limit === "string") query.set("limit", values.limit);
    const suffix = query.size > 0 ? `?${query.toString()}` : "";
    const { items } = await client.request<JobList>("GET", client.tenantPath(tenant, `/jobs${suffix}`));
    if (json) printJson(io, { tenant, items });
    else io.stdout.write(describe(tenant, items));
    return 0;
  });
}

function describe(tenant: string, jobs: Job[]): string {
  if (jobs.length === 0) return `tenant ${tenant}: no jobs\n`;
  const lines = jobs.map((j) => {
    const error = j.error !== null && j.state !== "done" ? `: ${j.error}` : "";
    return `${j.id} ${j.kind} ${j.state}, ${j.attempts} tr${j.attempts === 1 ? "y" : "ies"}, created ${j.createdAt}${error}`;
  });
  return `${lines.join("\n")}\n`;
}
