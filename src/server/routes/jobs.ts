import { GitsyncError, NotFoundError } from "../../core/errors.js";
import * as api from "../../api/shapes.js";
import type { Route } from "../router.js";
import { param, requireTenant } from "./common.js";

/** The tenant's durable background work: what waits, runs, finished or failed; failed jobs retried. */

const base = "/api/v1/tenants/{tenant}/jobs";

export const jobRoutes: Route[] = [
  {
    method: "GET",
    path: base,
    access: "viewer",
    handler: async ({ params, query }, deps) => {
      const tenant = await requireTenant(deps.store, params.tenant);
      const { state, limit } = deps.schemas.checkQuery(api.JobQuery, query);
      const items = await deps.sync.deps.jobs.list(tenant.slug, { limit: limit ?? api.DEFAULT_JOB_LIMIT, ...(state ? { state } : {}) });
      return { status: 200, body: { items } satisfies api.JobList };
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
      return { status: 202, body: job satisfies api.Job };
    },
  },
];
