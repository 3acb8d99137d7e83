import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitConnection, PushEvent } from "../../src/core/index.js";
import { FetchRecorder, TENANT_GIT_TOKEN } from "../helpers/gitlab-bitbucket-world.js";
import { GitLabFlowForge } from "../helpers/gitlab-flow-forge.js";
import { useStrictHttpMock } from "../helpers/http-mock.js";
import { bob, leads, makeSyncWorld, orders, yamlOf, type SyncWorld } from "../helpers/sync-world.js";

/**
 * A GitLab repository that 200 tenants share, each under its own folder: a push is read once
 * (one compare for the whole repository), routed to the tenants whose folder it touched, and
 * the others cost no request at all. Strict nock: every request is one the test expected.
 */

const TENANTS = 200;
const slugOf = (i: number) => `t${String(i).padStart(3, "0")}`;

useStrictHttpMock();
const recorder = new FetchRecorder();
let forge: GitLabFlowForge;
let world: SyncWorld;
let seed: string;

beforeEach(async () => {
  recorder.install();
  forge = new GitLabFlowForge();
  world = await makeSyncWorld(forge.provider);
  seed = await forge.seed({ "README.md": "# Shared\n", [`${slugOf(0)}/models/orders.yaml`]: yamlOf(world, "model", orders) });
  for (let i = 0; i < TENANTS; i++) await sharedTenant(world, slugOf(i), forge.repository, seed);
});
afterEach(async () => {
  await world.close();
  recorder.uninstall();
});

async function sharedTenant(w: SyncWorld, slug: string, repository: string, synced: string): Promise<void> {
  await w.store.createTenant({ slug, name: slug });
  const git: GitConnection = {
    provider: "gitlab",
    repository,
    branch: "main",
    path: slug,
    format: "yaml",
    outbound: "direct",
    debounceMs: 5,
    deletions: "archive",
    baseUrl: null,
  };
  await w.store.putGitConnection(slug, git, TENANT_GIT_TOKEN);
  for (const name of ["warehouse", "hubspot"]) await w.store.putConnection(slug, { name, type: "postgres" });
  await w.store.putSyncState(slug, { lastAppliedSha: synced });
}

async function pushed(before: string, after: string): Promise<PushEvent> {
  return (await forge.provider.parseWebhook(forge.pushWebhook({ branch: "main", before, after, pusher: bob }))) as PushEvent;
}

async function everyLastApplied(): Promise<Set<string | null>> {
  const shas = new Set<string | null>();
  for (let i = 0; i < TENANTS; i++) shas.add((await world.store.getSyncState(slugOf(i))).lastAppliedSha);
  return shas;
}

describe("a push to a repository 200 tenants share", () => {
  it("makes one compare, one read and one status for the one tenant it touched", async () => {
    const touched = slugOf(7);
    const after = forge.push("main", { [`${touched}/models/leads.yaml`]: yamlOf(world, "model", leads) }, bob, "add leads");
    forge.expect({ op: "changedFiles", base: seed, head: after, path: "" });
    forge.expect({ op: "readFiles", sha: after, path: touched, paths: [`${touched}/models/leads.yaml`] });
    forge.expect({ op: "publishCheck", sha: after, annotations: 0, status: "completed" });
    const mark = recorder.mark();

    const results = await world.service.handlePush(await pushed(seed, after));

    expect(recorder.since(mark).map((r) => `${r.method} ${decodeURIComponent(r.url.pathname)}`)).toEqual([
      "GET /api/v4/projects/acme/config/repository/compare",
      `GET /api/v4/projects/acme/config/repository/files/${touched}/models/leads.yaml/raw`,
      `POST /api/v4/projects/acme/config/statuses/${after}`,
    ]);
    expect(results).toHaveLength(TENANTS);
    expect(results.filter((r) => r.outcome.status === "applied").map((r) => r.tenant)).toEqual([touched]);
    expect((await world.store.getResource(touched, "model", "leads"))?.body).toEqual(leads);
    expect(await world.store.getResource(slugOf(8), "model", "leads")).toBeNull();
    // Every tenant is in step with the new head, so the next push is read once again.
    expect(await everyLastApplied()).toEqual(new Set([after]));
    expect(await world.store.listSyncLog(slugOf(8), { limit: 5 })).toEqual([]);
  });

  it("applies exactly the three tenants it touched, a deletion included", async () => {
    const [a, b, c] = [slugOf(0), slugOf(99), slugOf(199)];
    await world.store.putResource(a, { kind: "model", name: "orders", body: orders, project: "sales", actor: bob, outbox: false });
    const after = forge.push(
      "main",
      {
        [`${a}/models/orders.yaml`]: null,
        [`${b}/models/leads.yaml`]: yamlOf(world, "model", leads),
        [`${c}/models/orders.yaml`]: yamlOf(world, "model", orders),
        "README.md": "# Shared, edited\n",
      },
      bob,
      "three tenants",
    );
    forge.expect({ op: "changedFiles", base: seed, head: after, path: "" });
    forge.expect({ op: "readFiles", sha: after, path: a, paths: [`${a}/models/orders.yaml`] });
    forge.expect({ op: "readFiles", sha: after, path: b, paths: [`${b}/models/leads.yaml`] });
    forge.expect({ op: "readFiles", sha: after, path: c, paths: [`${c}/models/orders.yaml`] });
    for (let i = 0; i < 3; i++) forge.expect({ op: "publishCheck", sha: after, annotations: 0, status: "completed" });
    const mark = recorder.mark();

    const results = await world.service.handlePush(await pushed(seed, after));

    expect(recorder.since(mark)).toHaveLength(7);
    expect(results.filter((r) => r.outcome.status === "applied").map((r) => r.tenant)).toEqual([a, b, c]);
    expect(results.filter((r) => r.outcome.status === "noop")).toHaveLength(TENANTS - 3);
    expect((await world.store.getResource(a, "model", "orders"))?.archived).toBe(true);
    expect((await world.store.getResource(b, "model", "leads"))?.body).toEqual(leads);
    expect((await world.store.getResource(c, "model", "orders"))?.body).toEqual(orders);
    for (const slug of [a, b, c]) {
      const [entry] = await world.store.listSyncLog(slug, { limit: 1 });
      expect(entry).toMatchObject({ direction: "INBOUND", status: "done", commitSha: after });
    }
    expect(await everyLastApplied()).toEqual(new Set([after]));
  });

  it("lets a tenant that missed the previous push read its own change", async () => {
    const lagging = slugOf(3);
    const first = forge.push("main", { [`${slugOf(1)}/models/leads.yaml`]: yamlOf(world, "model", leads) }, bob, "one");
    const second = forge.push("main", { [`${lagging}/models/leads.yaml`]: yamlOf(world, "model", leads) }, bob, "two");
    // Every tenant but the lagging one took the first push.
    for (let i = 0; i < TENANTS; i++) if (slugOf(i) !== lagging) await world.store.putSyncState(slugOf(i), { lastAppliedSha: first });
    forge.expect({ op: "changedFiles", base: first, head: second, path: "" });
    forge.expect({ op: "isAncestor", ancestor: second, descendant: seed });
    forge.expect({ op: "isAncestor", ancestor: seed, descendant: second });
    forge.expect({ op: "changedFiles", base: seed, head: second, path: lagging });
    forge.expect({ op: "readFiles", sha: second, path: lagging, paths: [`${lagging}/models/leads.yaml`] });
    forge.expect({ op: "publishCheck", sha: second, annotations: 0, status: "completed" });

    const results = await world.service.handlePush(await pushed(first, second));

    expect(results.filter((r) => r.outcome.status === "applied").map((r) => r.tenant)).toEqual([lagging]);
    expect((await world.store.getResource(lagging, "model", "leads"))?.body).toEqual(leads);
    expect(await everyLastApplied()).toEqual(new Set([second]));
  });
});
