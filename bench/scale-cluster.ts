import { performance } from "node:perf_hooks";
import { LocalProvider } from "../src/providers/local/index.js";
import { sign } from "../src/providers/local/webhook.js";
import type { LocalReviewStore } from "../src/core/local-review.js";
import { callBuilt, serveBuilt, type BuiltServer } from "../test/e2e/built-server.js";

/**
 * The scale benchmark's moving parts: N `gitsync serve` processes on one database and one data
 * folder (the local provider's repositories), the load they are given, and the counting of what
 * became of it.
 */

export const WEBHOOK_SECRET = "bench-local-webhook-secret-0123456789";
const ACTOR = { name: "Bench", email: "bench@example.com" };

export interface Cluster {
  instances: BuiltServer[];
  stop(): Promise<void>;
}

/** Starts `count` instances; the first alone, so only one runs the migrations. */
export async function startCluster(count: number, dataDir: string, databaseUrl: string | null): Promise<Cluster> {
  const env = {
    GITSYNC_DEMO: "false",
    GITSYNC_RECONCILE_INTERVAL: "0",
    GITSYNC_LOCAL_PUSH_CHECK: "off",
    LOCAL_WEBHOOK_SECRET: WEBHOOK_SECRET,
    // The start line ("gitsync listening on") is at info level: the harness waits for it.
    LOG_LEVEL: "info",
    ...(databaseUrl !== null ? { DATABASE_URL: databaseUrl } : {}),
  };
  const first = await serveBuilt({ dataDir, env });
  const rest = await Promise.all(Array.from({ length: count - 1 }, () => serveBuilt({ dataDir, env })));
  const instances = [first, ...rest];
  return { instances, stop: async () => void (await Promise.all(instances.map((i) => i.stop()))) };
}

export const slugOf = (i: number) => `s${String(i).padStart(4, "0")}`;

export function model(name: string): Record<string, unknown> {
  return { name, source: "warehouse", type: "table", dbtModel: null, rawSql: null, tableName: `analytics.${name}`, isSchema: false, primaryKey: "id" };
}

/** Runs `fn` over the items, `limit` at a time. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i] as T, i);
      }
    }),
  );
}

export async function createTenants(cluster: Cluster, from: number, to: number): Promise<void> {
  const slugs = Array.from({ length: to - from }, (_, k) => slugOf(from + k));
  await pool(slugs, 4, async (slug, i) => {
    const server = cluster.instances[i % cluster.instances.length]!;
    const made = await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug, name: slug } });
    if (made.status !== 201) throw new Error(`creating ${slug}: ${made.status} ${made.text}`);
    await callBuilt(server, "POST", `/api/v1/tenants/${slug}/connections`, { body: { name: "warehouse", type: "postgres" } });
  });
}

export interface Delivery {
  tenant: string;
  before: string;
  after: string;
  model: string;
}

/** Commits made as pushes would (no hook runs), one new model each, round-robin over the tenants. */
export async function preparePushes(dataDir: string, tenants: number, count: number, round: string): Promise<Delivery[]> {
  const provider = new LocalProvider({ root: `${dataDir}/repos`, reviews: {} as LocalReviewStore });
  const heads = new Map<string, string>();
  const deliveries: Delivery[] = [];
  for (let k = 0; k < count; k++) {
    const tenant = slugOf(k % tenants);
    const repo = { repository: tenant };
    const before = heads.get(tenant) ?? ((await provider.resolveRef(repo, "main")) as string);
    const name = `d-${round}-${k}`;
    const content = Object.entries(model(name)).map(([key, v]) => `${key}: ${v === null ? "null" : String(v)}`).join("\n") + "\n";
    const { sha } = await provider.commit({
      ...repo,
      branch: "main",
      expectedHead: before,
      message: `${name}\n`,
      author: ACTOR,
      committer: ACTOR,
      changes: [{ action: "upsert", path: `models/${name}.yaml`, content }],
    });
    heads.set(tenant, sha as string);
    deliveries.push({ tenant, before, after: sha as string, model: name });
  }
  return deliveries;
}

/** Sends one delivery as the post-receive hook does, waiting for it to be applied; its latency in ms. */
export async function deliver(server: BuiltServer, delivery: Delivery, id: string): Promise<number> {
  const body = JSON.stringify({ repository: delivery.tenant, updates: [{ before: delivery.before, after: delivery.after, ref: "refs/heads/main" }] });
  const t0 = performance.now();
  const answer = await fetch(`${server.url}/webhooks/local`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-gitsync-signature": sign(WEBHOOK_SECRET, body), "x-gitsync-delivery": id, "x-gitsync-wait": "1" },
    body,
  });
  await answer.text();
  if (answer.status >= 400) throw new Error(`delivery ${id}: ${answer.status}`);
  return performance.now() - t0;
}

/** INBOUND sync-log entries per commit, across the tenant's whole log. */
export async function inboundEntries(server: BuiltServer, tenant: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let before: number | null = null;
  for (;;) {
    const page = await callBuilt(server, "GET", `/api/v1/tenants/${tenant}/log?direction=INBOUND&limit=200${before !== null ? `&before=${before}` : ""}`);
    const items = page.body.items as { id: number; commitSha: string | null; status: string }[];
    for (const e of items) if (e.commitSha && e.status !== "failed") counts.set(e.commitSha, (counts.get(e.commitSha) ?? 0) + 1);
    if (items.length < 200) return counts;
    before = items[items.length - 1]!.id;
  }
}

export async function modelNames(server: BuiltServer, tenant: string): Promise<Set<string>> {
  const list = await callBuilt(server, "GET", `/api/v1/tenants/${tenant}/resources/models`);
  return new Set((list.body.items as { name: string }[]).map((r) => r.name));
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
}
