import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { callBuilt } from "../test/e2e/built-server.js";
import { postgresBackend, sqliteBackend } from "../test/store/backends.js";
import { runShared } from "./scale-shared.js";
import {
  createTenants,
  deliver,
  inboundEntries,
  model,
  modelNames,
  percentile,
  pool,
  preparePushes,
  slugOf,
  startCluster,
  type Cluster,
  type Delivery,
} from "./scale-cluster.js";

/**
 * `npm run bench -- scale [--quick] [--instances 1,2,4] [--tenants 1,100,1000] [--deliveries N]
 * [--writes N] [--concurrency N] [--shared-tenants N] [--no-shared]`
 *
 * - shared: T tenants on one repository per provider (see scale-shared.ts).
 * - instances: 1, 2 and 4 `gitsync serve` processes on one PostgreSQL (GITSYNC_BENCH_DATABASE_URL,
 *   else GITSYNC_TEST_DATABASE_URL; on SQLite only 1), on 1, 100 and 1,000 tenants: webhook
 *   deliveries (local pushes, each answered once applied) and API writes, spread over the
 *   instances, with throughput and p50/p99; then every delivery is checked: lost (its change is
 *   not in the tenant) or duplicated (applied more than once), and whether the outbox drained.
 */

function listOption(args: string[], name: string, fallback: number[]): number[] {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const values = String(args[i + 1]).split(",").map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${name} must be a comma-separated list of positive integers`);
  return values;
}

const intOption = (args: string[], name: string, fallback: number) => listOption(args, name, [fallback])[0] as number;

interface Round {
  instances: number;
  tenants: number;
  deliveriesPerSec: number;
  deliveryP50: number;
  deliveryP99: number;
  lost: number;
  duplicated: number;
  writesPerSec: number;
  writeP50: number;
  writeP99: number;
  outboxLeft: number;
  drainMs: number;
}

async function measureDeliveries(cluster: Cluster, deliveries: Delivery[], concurrency: number) {
  const latencies: number[] = [];
  const t0 = performance.now();
  await pool(deliveries, concurrency, async (d, i) => {
    latencies.push(await deliver(cluster.instances[i % cluster.instances.length]!, d, randomUUID()));
  });
  const seconds = (performance.now() - t0) / 1000;
  const reader = cluster.instances[0]!;
  let lost = 0;
  let duplicated = 0;
  for (const tenant of new Set(deliveries.map((d) => d.tenant))) {
    const [entries, names] = await Promise.all([inboundEntries(reader, tenant), modelNames(reader, tenant)]);
    const mine = deliveries.filter((d) => d.tenant === tenant);
    lost += mine.filter((d) => !names.has(d.model)).length;
    duplicated += mine.reduce((n, d) => n + Math.max(0, (entries.get(d.after) ?? 0) - 1), 0);
  }
  return { perSec: deliveries.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), lost, duplicated };
}

async function measureWrites(cluster: Cluster, tenants: number, writes: number, concurrency: number, round: string) {
  const latencies: number[] = [];
  const t0 = performance.now();
  await pool(Array.from({ length: writes }, (_, k) => k), concurrency, async (k, i) => {
    const tenant = slugOf(k % tenants);
    const name = `w-${round}-${k}`;
    const w0 = performance.now();
    const answer = await callBuilt(cluster.instances[i % cluster.instances.length]!, "PUT", `/api/v1/tenants/${tenant}/resources/models/${name}`, { body: model(name) });
    if (answer.status >= 300) throw new Error(`write ${name}: ${answer.status} ${answer.text}`);
    latencies.push(performance.now() - w0);
  });
  const seconds = (performance.now() - t0) / 1000;
  // Every write is committed by the outbound worker after its debounce: wait for the outbox to drain.
  const written = [...new Set(Array.from({ length: Math.min(tenants, writes) }, (_, k) => slugOf(k)))];
  const d0 = performance.now();
  let left = Infinity;
  while (left > 0 && performance.now() - d0 < 60_000) {
    left = 0;
    for (const tenant of written) left += (await callBuilt(cluster.instances[0]!, "GET", `/api/v1/tenants/${tenant}/status`)).body.waiting as number;
    if (left > 0) await new Promise((r) => setTimeout(r, 250));
  }
  return { perSec: writes / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), left, drainMs: Math.round(performance.now() - d0) };
}

function print(r: Round): void {
  console.log(
    `  instances=${r.instances} tenants=${r.tenants}: deliveries ${r.deliveriesPerSec.toFixed(1)}/s, webhook→applied p50 ${r.deliveryP50} ms p99 ${r.deliveryP99} ms,` +
      ` lost ${r.lost}, duplicated ${r.duplicated} | API writes ${r.writesPerSec.toFixed(1)}/s p50 ${r.writeP50} ms p99 ${r.writeP99} ms,` +
      ` outbox ${r.outboxLeft === 0 ? `drained in ${r.drainMs} ms` : `NOT drained (${r.outboxLeft} left)`}`,
  );
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes("--quick");
  const instanceCounts = listOption(args, "--instances", quick ? [1, 2] : [1, 2, 4]);
  const tenantCounts = listOption(args, "--tenants", quick ? [1, 100] : [1, 100, 1000]);
  const deliveries = intOption(args, "--deliveries", quick ? 100 : 500);
  const writes = intOption(args, "--writes", quick ? 100 : 500);
  const concurrency = intOption(args, "--concurrency", 8);
  if (!args.includes("--no-shared")) await runShared(intOption(args, "--shared-tenants", quick ? 100 : 500));

  const url = process.env.GITSYNC_BENCH_DATABASE_URL ?? process.env.GITSYNC_TEST_DATABASE_URL;
  const backend = url ? postgresBackend(url) : sqliteBackend();
  const counts = url ? instanceCounts : [1];
  console.log(`instances on ${url ? "PostgreSQL" : "SQLite (one instance only: set GITSYNC_BENCH_DATABASE_URL for more)"}; ${deliveries} deliveries and ${writes} writes per round, ${concurrency} in flight`);
  const rounds: Round[] = [];
  for (const tenants of tenantCounts) {
    const { databaseUrl, dataDir } = await backend.setup();
    try {
      const setup = await startCluster(1, dataDir, databaseUrl);
      await createTenants(setup, 0, tenants);
      await setup.stop();
      for (const instances of counts) {
        const cluster = await startCluster(instances, dataDir, databaseUrl);
        try {
          const pushes = await preparePushes(dataDir, tenants, deliveries, `${instances}`);
          const d = await measureDeliveries(cluster, pushes, concurrency);
          const w = await measureWrites(cluster, tenants, writes, concurrency, `${instances}`);
          const round = { instances, tenants, deliveriesPerSec: d.perSec, deliveryP50: d.p50, deliveryP99: d.p99, lost: d.lost, duplicated: d.duplicated,
            writesPerSec: w.perSec, writeP50: w.p50, writeP99: w.p99, outboxLeft: w.left, drainMs: w.drainMs };
          rounds.push(round);
          print(round);
        } finally {
          await cluster.stop();
        }
      }
    } finally {
      await backend.teardown();
    }
  }
  for (const tenants of tenantCounts.filter((t) => t >= 100)) {
    const one = rounds.find((r) => r.tenants === tenants && r.instances === 1);
    const two = rounds.find((r) => r.tenants === tenants && r.instances === 2);
    if (!one || !two) continue;
    const ratio = two.deliveriesPerSec / one.deliveriesPerSec;
    console.log(`  ${tenants} tenants: 2 instances deliver ${ratio.toFixed(2)}× of 1  ${ratio >= 1.6 ? "MET" : "MISSED"} (≥ 1.6×; 2 cores shared)`);
  }
  const bad = rounds.filter((r) => r.lost > 0 || r.duplicated > 0);
  console.log(`  lost or duplicated applies: ${bad.length === 0 ? "none  MET" : `${bad.length} round(s)  MISSED`}`);
}
