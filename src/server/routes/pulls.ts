import * as api from "../../api/shapes.js";
import { GitsyncError, NotFoundError } from "../../core/errors.js";
import type { LocalPullRequest } from "../../core/local-review.js";
import { actorOf } from "../auth.js";
import type { ApiDeps } from "../deps.js";
import type { Route } from "../router.js";
import { param, requireTenant } from "./common.js";
import { mergeBlockers } from "./merge-gate.js";
import { pullFiles } from "./pull-files.js";

/**
 * The local provider's pull requests: what a forge would offer, so the embedded default can be
 * used end to end (open, read the check and its plan, merge) without a hosted provider.
 */

const base = "/api/v1/tenants/{tenant}/pulls";

async function localRepository(
  deps: ApiDeps,
  slug: string | undefined,
): Promise<{ tenant: string; repository: string; branch: string; path: string }> {
  const tenant = await requireTenant(deps.store, slug);
  const git = await deps.store.getGitConnection(tenant.slug);
  if (git.provider !== "local") {
    throw new GitsyncError("bad_request", `this tenant's pull requests live on ${git.provider} (${git.repository}), not in gitsync`, {
      provider: git.provider,
    });
  }
  return { tenant: tenant.slug, repository: git.repository, branch: git.branch, path: git.path };
}

async function requirePull(deps: ApiDeps, repository: string, params: Record<string, string>): Promise<LocalPullRequest> {
  const n = param(params, "n");
  const pull = /^\d{1,9}$/.test(n) ? await deps.store.getLocalPull(repository, Number(n)) : null;
  if (!pull) throw new NotFoundError(`no pull request ${n}`, { number: n });
  return pull;
}

export const pullRoutes: Route[] = [
  {
    method: "GET",
    path: base,
    access: "viewer",
    handler: async ({ params }, deps) => {
      const { repository } = await localRepository(deps, params.tenant);
      return { status: 200, body: { items: await deps.store.listLocalPulls(repository) } satisfies api.LocalPullList };
    },
  },
  {
    method: "POST",
    path: base,
    access: "editor",
    handler: async ({ params, body }, deps) => {
      const { tenant, repository, branch } = await localRepository(deps, params.tenant);
      const input = deps.schemas.check(api.PullInput, body);
      const target = input.base ?? branch;
      const info = await deps.registry.local.openPullRequest({
        repository,
        head: input.head,
        base: target,
        title: input.title ?? `Merge ${input.head} into ${target}`,
        body: "",
      });
      if (target === branch) {
        await deps.sync.checks.evaluate(tenant, { number: info.number, headSha: info.headSha, base: target, baseSha: null });
      }
      const pull = await requirePull(deps, repository, { n: String(info.number) });
      return { status: 201, body: { pull } satisfies api.LocalPullOne };
    },
  },
  {
    method: "GET",
    path: `${base}/{n}`,
    access: "viewer",
    handler: async ({ params }, deps) => {
      const { tenant, repository, branch, path } = await localRepository(deps, params.tenant);
      const pull = await requirePull(deps, repository, params);
      const [checks, comment, blockers, files] = await Promise.all([
        deps.store.listLocalChecks(repository, pull.headSha),
        deps.store.getLocalComment(repository, pull.number),
        pull.state === "open" ? mergeBlockers(deps, repository, branch, pull) : Promise.resolve([]),
        pullFiles(deps, tenant, path, pull),
      ]);
      return {
        status: 200,
        body: {
          pull,
          checks: checks.map(({ name, status, conclusion, title, summary, annotations }) => ({ name, status, conclusion, title, summary, annotations })),
          comment: comment?.body ?? null,
          merge: { allowed: pull.state === "open" && blockers.length === 0, reasons: blockers },
          files,
        },
      };
    },
  },
  {
    method: "POST",
    path: `${base}/{n}/merge`,
    access: "admin",
    handler: async ({ params, principal }, deps) => {
      const { repository, branch } = await localRepository(deps, params.tenant);
      if (!principal) throw new GitsyncError("unauthorized", "a token is required");
      const pull = await requirePull(deps, repository, params);
      if (pull.state !== "open") throw new GitsyncError("conflict", `pull request ${pull.number} is ${pull.state}`, { state: pull.state });
      const reasons = await mergeBlockers(deps, repository, branch, pull);
      if (reasons.length > 0) {
        throw new GitsyncError("conflict", `pull request #${pull.number} cannot be merged: ${reasons.join("; ")}`, { reasons });
      }
      // The merge moves the base branch; the provider hands that to the engine as a push.
      await deps.registry.local.mergePullRequest(repository, pull.number, actorOf(principal));
      const merged = await requirePull(deps, repository, params);
      deps.log.info({ tenant: params.tenant, pull: pull.number, head: pull.head, base: pull.base, commit: merged.mergeCommitSha }, "merge");
      return { status: 200, body: { pull: merged } satisfies api.LocalPullOne };
    },
  },
];
