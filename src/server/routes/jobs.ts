import { GitsyncError, NotFoundError } from "../../core/errors.js";
import { JOB_STATES, type JobState } from "../../core/jobs.js";
import type { Route } from "../router.js";
import { param, requireTenant } from "./common.js";

/** The tenant's durable background work: what waits, runs, finished or failed; failed jobs retried. */

const base = "/api/v1/tenants/{tenant}/jobs";
const MAX_LIMIT = 200;

function stateOf(query: URLSearchParams): JobState | undefined {
  const state = query.get("state");
  if (state === null || state === "") return undefined;
  if (!(JOB_STATES as readonly string[]).includes(state)) {
    throw new GitsyncError("bad_request", `query parameter state must be one of ${JOB_STATES.join(", ")}, not '${state}'`, { field: "state" });
  }
  return state as JobState;
}

function limitOf(query: URLSearchParams): number {
  const raw = query.get("limit");
  if (raw === null) return 50;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT) {
    throw new GitsyncError("bad_request", `query parameter limit must be an integer from 1 to ${MAX_LIMIT}`, { field: "limit" });
  }
  return Number(raw);
}

export const jobRoutes: Route[] = [
  {
    method: "GET",
    path: base,
    access: "viewer",
    handler: async ({ params, query }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      const state = stateOf(query);
      const items = await deps.sync.deps.jobs.list(tenant.slug, { limit: limitOf(query), ...(state ? { state } : {}) });
      return { status: 200, body: { items } };
    },
  },
  {
    method: "POST",
    path: `${base}/{id}/retry`,
    access: "admin",
    handler: async ({ params }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      const id = param(params, "id");
      const job = await deps.sync.deps.jobs.retry(tenant.slug, id);
      if (!job) {
        const existing = await deps.sync.deps.jobs.get(id);
        if (!existing || existing.tenant !== tenant.slug) throw new NotFoundError(`no job ${id} in tenant ${tenant.slug}`, { id });
        throw new GitsyncError("conflict", `job ${id} is ${existing.state}: only a failed job can be retried`, { id, state: existing.state });
      }
      deps.log.info({ tenant: tenant.slug, job: id, kind: job.kind }, "failed job queued again");
      return { status: 202, body: job };
    },
  },
];
