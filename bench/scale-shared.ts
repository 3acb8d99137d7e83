import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import nock from "nock";
import type { GitConnection, GitProvider, PushEvent } from "../src/core/index.js";
import { NO_METRICS } from "../src/core/metrics.js";
import { SyncService } from "../src/sync/service.js";
import type { ContractStep } from "../test/contract/harness.js";
import { BitbucketHarness } from "../test/contract/bitbucket-harness.js";
import { toBytes } from "../test/contract/file-bytes.js";
import { GitHubHarness } from "../test/contract/github-harness.js";
import { GitLabHarness } from "../test/contract/gitlab-harness.js";
import { createLocalHarness } from "../test/providers/local/harness.js";
import { bob, makeSyncWorld, orders, syncDeps, yamlOf, type SyncWorld } from "../test/helpers/sync-world.js";

/**
 * The shared-repository figures: T tenants (default 500) on one repository under their own
 * folders, on each provider (local for real; GitHub, GitLab and Bitbucket through the contract
 * tests' in-memory forges behind nock). A push touching 1, then 3 tenants: provider requests per
 * push, and webhook → applied for each touched tenant. Targets: the requests do not grow with T
 * (1 compare + per touched tenant one read and one status), and every touched tenant applied ≤ 1 s.
 */

interface SharedForge {
  name: "local" | "github" | "gitlab" | "bitbucket";
  provider: GitProvider;
  repository: string;
  /** A commit on main on top of the head, with these files changed; returns its sha. */
  push(files: Record<string, string>): Promise<string>;
  head(): Promise<string>;
  /** Registers the interceptors one provider operation needs (no-op for local). */
  expect(step: ContractStep): void;
  requests(): number;
  cleanup(): Promise<void>;
}

const ACTOR = { name: "Bob Builder", email: "bob@example.com" };

async function localForge(): Promise<SharedForge> {
  const h = await createLocalHarness();
  const repo = h.repo;
  return {
    name: "local",
    provider: h.provider,
    repository: repo.repository,
    head: async () => (await h.provider.resolveRef(repo, "main")) ?? "",
    async push(files) {
      const before = (await h.provider.resolveRef(repo, "main")) ?? "";
      const changes = Object.entries(files).map(([path, content]) => ({ action: "upsert" as const, path, content }));
      const { sha } = await h.provider.commit({ ...repo, branch: "main", expectedHead: before, createBranch: before === "", message: "push\n", author: ACTOR, committer: ACTOR, changes });
      return sha as string;
    },
    expect: () => undefined,
    requests: () => 0,
    cleanup: () => h.cleanup(),
  };
}

function gitlabForge(): SharedForge {
  const h = new GitLabHarness();
  return {
    name: "gitlab",
    provider: h.provider,
    repository: h.repo.repository,
    head: async () => h.forge.branches.get("main") ?? "",
    async push(files) {
      const parent = h.forge.branches.get("main");
      const all = new Map(parent === undefined ? [] : h.forge.commit(parent).files);
      for (const [path, content] of Object.entries(files)) all.set(path, toBytes(content));
      const sha = h.forge.addCommit(parent === undefined ? [] : [parent], all, "push", ACTOR);
      h.forge.branches.set("main", sha);
      return sha;
    },
    expect: (step) => h.expect(step),
    requests: () => h.requestCount(),
    cleanup: () => h.cleanup(),
  };
}

function githubForge(): SharedForge {
  const h = new GitHubHarness();
  const current = new Map<string, string>();
  return {
    name: "github",
    provider: h.provider,
    repository: h.repo.repository,
    head: async () => h.forge.branches.get("main") ?? "",
    async push(files) {
      for (const [path, content] of Object.entries(files)) current.set(path, h.forge.putBlob(content));
      const parent = h.forge.branches.get("main");
      const commit = h.forge.putCommit({ tree: h.forge.putTree(current), parents: parent ? [parent] : [], message: "push", author: ACTOR, committer: ACTOR });
      h.forge.branches.set("main", commit.sha);
      return commit.sha;
    },
    expect: (step) => h.expect(step),
    requests: () => h.requestCount(),
    cleanup: () => h.cleanup(),
  };
}

function bitbucketForge(): SharedForge {
  const h = new BitbucketHarness();
  const current: Record<string, string> = {};
  return {
    name: "bitbucket",
    provider: h.provider,
    repository: h.repo.repository,
    head: async () => h.model.branches.get("main") ?? "",
    async push(files) {
      Object.assign(current, files);
      const parent = h.model.branches.get("main");
      const sha = h.model.addCommit(parent ? [parent] : [], { ...current }, "push\n", "Bob Builder <bob@example.com>");
      h.model.branches.set("main", sha);
      return sha;
    },
    expect: (step) => h.expect(step),
    requests: () => h.requestCount(),
    cleanup: () => h.cleanup(),
  };
}

const slugOf = (i: number) => `t${String(i).padStart(4, "0")}`;

async function addTenants(world: SyncWorld, forge: SharedForge, count: number, synced: string): Promise<void> {
  await world.store.transaction(async (tx) => {
    for (let i = 0; i < count; i++) {
      const slug = slugOf(i);
      await tx.createTenant({ slug, name: slug });
      const git: GitConnection = { provider: forge.name, repository: forge.repository, branch: "main", path: slug, format: "yaml", outbound: "direct", debounceMs: 1000, deletions: "archive", baseUrl: null };
      await tx.putGitConnection(slug, git, forge.name === "local" ? null : "token");
      await tx.putConnection(slug, { name: "warehouse", type: "postgres" });
      await tx.putSyncState(slug, { lastAppliedSha: synced });
    }
  });
}

interface PushFigures {
  touched: number;
  requests: number;
  maxAppliedMs: number;
  allSettledMs: number;
  applied: number;
}

async function onePush(world: SyncWorld, forge: SharedForge, touched: string[], round: number): Promise<PushFigures> {
  const before = await forge.head();
  const files = Object.fromEntries(touched.map((slug) => [`${slug}/models/m${round}.yaml`, yamlOf(world, "model", { ...orders, name: `m${round}` })]));
  const after = await forge.push(files);
  forge.expect({ op: "changedFiles", base: before, head: after, path: "" });
  for (const slug of touched) {
    forge.expect({ op: "readFiles", sha: after, path: slug, paths: [`${slug}/models/m${round}.yaml`] });
    forge.expect({ op: "publishCheck", sha: after, annotations: 0, status: "completed" });
  }
  const latencies: number[] = [];
  const service = new SyncService({ ...syncDeps(world.store, world.catalog, forge.provider), metrics: { ...NO_METRICS, inboundLatency: (s) => void latencies.push(s * 1000) } });
  const event: PushEvent = { kind: "push", provider: forge.name, deliveryId: randomUUID(), repository: forge.repository, branch: "main", before, after, forced: false, pusher: bob, changedPaths: null };
  const start = forge.requests();
  const t0 = performance.now();
  const results = await service.handlePush(event);
  const allSettledMs = performance.now() - t0;
  await service.stop();
  return {
    touched: touched.length,
    requests: forge.requests() - start,
    maxAppliedMs: Math.round(Math.max(0, ...latencies)),
    allSettledMs: Math.round(allSettledMs),
    applied: results.filter((r) => r.outcome.status === "applied").length,
  };
}

/** One provider's two pushes (1 and 3 tenants touched) with `tenants` sharing the repository. */
async function measure(make: () => Promise<SharedForge> | SharedForge, tenants: number): Promise<{ name: string; pushes: PushFigures[] }> {
  const forge = await make();
  const world = await makeSyncWorld(forge.provider);
  try {
    const seed = await forge.push({ "README.md": "# Shared\n" });
    await addTenants(world, forge, tenants, seed);
    const one = await onePush(world, forge, [slugOf(Math.floor(tenants / 2))], 1);
    const three = await onePush(world, forge, [slugOf(0), slugOf(Math.floor(tenants / 3)), slugOf(tenants - 1)], 2);
    return { name: forge.name, pushes: [one, three] };
  } finally {
    nock.cleanAll();
    await world.close();
    await forge.cleanup();
  }
}

export async function runShared(tenants: number): Promise<void> {
  const small = Math.min(10, tenants);
  console.log(`shared repository: ${tenants} tenants on one repository, each under its own folder (requests compared with ${small} tenants)`);
  const makers: (() => Promise<SharedForge> | SharedForge)[] = [localForge, githubForge, gitlabForge, bitbucketForge];
  for (const make of makers) {
    try {
      const few = await measure(make, small);
      const many = await measure(make, tenants);
      many.pushes.forEach((f, i) => {
        const same = f.requests === few.pushes[i]?.requests;
        const ok = same && f.applied === f.touched && f.maxAppliedMs <= 1000;
        console.log(
          `  ${many.name.padEnd(9)} touched=${f.touched} applied=${f.applied} requests=${many.name === "local" ? "n/a (git)" : `${f.requests} (with ${small} tenants: ${few.pushes[i]?.requests})`}` +
            ` webhook→applied max=${f.maxAppliedMs} ms; all ${tenants} settled in ${f.allSettledMs} ms  ${ok ? "MET" : "MISSED"} (same requests as with ${small}, applied ≤ 1000 ms)`,
        );
      });
    } catch (error) {
      console.log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
