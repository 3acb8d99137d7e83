import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import type { Actor, FileChange, PushEvent, Store } from "../../src/core/index.js";
import { LocalProvider } from "../../src/providers/local/index.js";
import { SyncService } from "../../src/sync/service.js";
import { ada, bob, leads, makeTempDir, openStoreIn, orders, syncDeps, yamlOf } from "../helpers/sync-world.js";

/**
 * What a push may touch: only the tenants whose path it changed, a force-push reconciled from
 * the whole tree, and an import with prune archiving what the source no longer has.
 */

interface World {
  dir: string;
  store: Store;
  catalog: Catalog;
  service: SyncService;
}

let world: World;
let provider: LocalProvider;

beforeEach(async () => {
  const dir = await makeTempDir("scope");
  const store = await openStoreIn(dir);
  const catalog = await Catalog.load();
  provider = new LocalProvider({ root: join(dir, "repos"), reviews: store });
  world = { dir, store, catalog, service: new SyncService(syncDeps(store, catalog, provider)) };
});
afterEach(async () => {
  await world.service.stop();
  await world.store.close();
  await rm(world.dir, { recursive: true, force: true });
});

async function tenantOn(slug: string, repository: string, path: string): Promise<void> {
  await world.store.createTenant({ slug, name: slug });
  const git = await world.store.getGitConnection(slug);
  await world.store.putGitConnection(slug, { ...git, repository, path, debounceMs: 5 });
  for (const name of ["warehouse", "hubspot"]) await world.store.putConnection(slug, { name, type: "postgres" });
}

/** A commit as a person pushing would make it, straight onto the branch. */
async function gitCommit(repository: string, changes: FileChange[], author: Actor = bob): Promise<{ before: string; after: string }> {
  const before = (await provider.resolveRef({ repository }, "main")) ?? "";
  const { sha } = await provider.commit({ repository, branch: "main", expectedHead: before, message: "edit\n", author, committer: author, changes });
  return { before, after: sha! };
}

function push(repository: string, before: string, after: string, forced = false): PushEvent {
  return { kind: "push", provider: "local", deliveryId: randomUUID(), repository, branch: "main", before, after, forced, pusher: bob, changedPaths: null };
}

describe("a push's reach", () => {
  it("does work only for the tenants whose path it changed, in a repository they share", async () => {
    await tenantOn("dev", "shared", "dev");
    await tenantOn("prod", "shared", "prod");
    const seed = await gitCommit("shared", [
      { action: "upsert", path: "dev/models/orders.yaml", content: yamlOf(world, "model", orders) },
      { action: "upsert", path: "prod/models/orders.yaml", content: yamlOf(world, "model", orders) },
    ]);
    const first = await world.service.handlePush(push("shared", seed.before, seed.after));
    expect(first.map((r) => [r.tenant, r.outcome.status])).toEqual([
      ["dev", "applied"],
      ["prod", "applied"],
    ]);

    const edit = await gitCommit("shared", [
      { action: "upsert", path: "dev/models/orders.yaml", content: yamlOf(world, "model", { ...orders, primaryKey: "id" }) },
    ]);
    const second = await world.service.handlePush(push("shared", edit.before, edit.after));
    expect(second.map((r) => [r.tenant, r.outcome.status])).toEqual([
      ["dev", "applied"],
      ["prod", "noop"],
    ]);
    expect((await world.store.getResource("dev", "model", "orders"))?.body.primaryKey).toBe("id");
    expect((await world.store.getResource("prod", "model", "orders"))?.body.primaryKey).toBe("order_id");
    // The untouched tenant logged nothing and got no check for a change that was not its own.
    expect((await world.store.listSyncLog("prod", { limit: 10 })).length).toBe(1);
  });

  it("reconciles a force-push from the whole tree, archiving what it removed", async () => {
    await tenantOn("acme", "acme", "");
    const seed = await gitCommit("acme", [
      { action: "upsert", path: "models/orders.yaml", content: yamlOf(world, "model", orders) },
      { action: "upsert", path: "models/leads.yaml", content: yamlOf(world, "model", leads) },
    ]);
    await world.service.handlePush(push("acme", seed.before, seed.after));
    expect((await world.store.listResources("acme")).map((r) => r.name).sort()).toEqual(["leads", "orders"]);

    // History rewritten: a new root commit holding only a changed orders.
    const gitDir = provider.repositoryPath("acme");
    const env = { ...process.env, GIT_AUTHOR_NAME: ada.name, GIT_AUTHOR_EMAIL: ada.email, GIT_COMMITTER_NAME: ada.name, GIT_COMMITTER_EMAIL: ada.email };
    const run = (args: string[], input?: string) => execFileSync("git", [`--git-dir=${gitDir}`, ...args], { input, env }).toString("utf8").trim();
    const blob = run(["hash-object", "-w", "--stdin"], yamlOf(world, "model", { ...orders, tableName: "analytics.orders_v2" }));
    const models = run(["mktree"], `100644 blob ${blob}\torders.yaml\n`);
    const root = run(["mktree"], `040000 tree ${models}\tmodels\n`);
    const rewritten = run(["commit-tree", root, "-m", "rewrite"]);
    run(["update-ref", "refs/heads/main", rewritten]);

    const [result] = await world.service.handlePush(push("acme", seed.after, rewritten, true));
    expect(result?.outcome.status).toBe("applied");
    expect((await world.store.getResource("acme", "model", "orders"))?.body.tableName).toBe("analytics.orders_v2");
    expect((await world.store.getResource("acme", "model", "leads"))?.archived).toBe(true);
  });
});

describe("pull requests in a repository several tenants share", () => {
  it("get one check per tenant whose path they touch, named after it", async () => {
    await tenantOn("dev", "shared", "dev");
    await tenantOn("prod", "shared", "prod");
    const seed = await gitCommit("shared", [{ action: "upsert", path: "dev/models/orders.yaml", content: yamlOf(world, "model", orders) }]);
    await world.service.handlePush(push("shared", seed.before, seed.after));
    await provider.createBranch({ repository: "shared" }, "change", seed.after);
    const { sha } = await provider.commit({
      repository: "shared",
      branch: "change",
      expectedHead: seed.after,
      message: "both\n",
      author: bob,
      committer: bob,
      changes: [
        { action: "upsert", path: "dev/models/leads.yaml", content: yamlOf(world, "model", leads) },
        { action: "upsert", path: "prod/models/broken.yaml", content: "name: broken\n" },
      ],
    });
    const pull = await provider.openPullRequest({ repository: "shared", head: "change", base: "main", title: "t", body: "" });
    const results = await world.service.handlePullRequest({
      kind: "pull_request",
      provider: "local",
      deliveryId: randomUUID(),
      repository: "shared",
      action: "opened",
      number: pull.number,
      head: "change",
      headSha: sha!,
      base: "main",
      baseSha: null,
    });
    expect(results.map((r) => [r.tenant, r.outcome.conclusion])).toEqual([
      ["dev", "success"],
      ["prod", "failure"],
    ]);
    const checks = await world.store.listLocalChecks("shared", sha!);
    expect(checks.map((c) => [c.name, c.conclusion]).sort()).toEqual([
      ["gitsync/dev", "success"],
      ["gitsync/prod", "failure"],
    ]);
    // Each tenant's annotations are about its own path only.
    expect(checks.find((c) => c.name === "gitsync/prod")?.annotations.every((a) => a.path.startsWith("prod/"))).toBe(true);
    // One comment, a section per tenant: neither evaluation overwrote the other.
    const comment = (await world.store.getLocalComment("shared", pull.number))?.body ?? "";
    expect(comment.match(/<!-- gitsync -->/g)).toHaveLength(1);
    expect(comment).toContain("tenant `dev`");
    expect(comment).toContain("tenant `prod`");
  });
});

describe("import with prune", () => {
  it("archives the target's resources that the source does not have", async () => {
    await tenantOn("acme", "acme", "");
    await tenantOn("beta", "beta", "");
    const seed = await gitCommit("acme", [{ action: "upsert", path: "models/orders.yaml", content: yamlOf(world, "model", orders) }]);
    await world.service.handlePush(push("acme", seed.before, seed.after));
    await world.store.putResource("beta", { kind: "model", name: "stale", body: { ...orders, name: "stale" }, project: "sales", actor: ada, outbox: false });

    const kept = await world.service.imports.run({ tenant: "beta", source: "acme", ref: "main", actor: ada, dryRun: true });
    expect(kept.status === "planned" && kept.plan.items.map((i) => `${i.action} ${i.name}`)).toEqual(["create orders"]);
    const pruned = await world.service.imports.run({ tenant: "beta", source: "acme", ref: "main", prune: true, actor: ada });
    expect(pruned.status === "applied" && pruned.plan.items.map((i) => `${i.action} ${i.name}`)).toEqual(["create orders", "archive stale"]);
    expect((await world.store.getResource("beta", "model", "stale"))?.archived).toBe(true);
    expect((await world.store.getResource("beta", "model", "orders"))?.archived).toBe(false);
    const [log] = await world.store.listSyncLog("beta", { limit: 1 });
    expect(log).toMatchObject({ direction: "IMPORT", status: "done", branch: "main" });
  });
});
