import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { buildApp } from "../src/server/app.js";
import { loadConfig } from "../src/server/config.js";

/**
 * The cost of an API write under the integrity rule, as a tenant grows: PUT of a sync (its model
 * and connection are checked), DELETE of an unreferenced sync, and DELETE of a referenced model
 * (409), through the real server over HTTP, on a 10-resource tenant and a 10,000-resource one.
 * Medians of repeated requests; the two sizes should be close.
 */

const TOKEN = "gs_bench_admin_token_0123456789abcdef";
const ROUNDS = 40;
const actor = { name: "bench", email: "bench@example.com" };

const model = (name: string) => ({ name, source: "warehouse", type: "table", dbtModel: null, tableName: `public.${name}`, isSchema: false, primaryKey: "id" });
const sync = (model: string) => ({ model, destination: "crm", config: {}, schedule: null, schedulePaused: false });

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function measure(resources: number): Promise<Record<string, number>> {
  const dataDir = await mkdtemp(join(tmpdir(), "gitsync-bench-integrity-"));
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", GITSYNC_DATA_DIR: dataDir, GITSYNC_ADMIN_TOKEN: TOKEN, GITSYNC_SECRET_KEY: "c".repeat(64), GITSYNC_DEMO: "false" });
  const app = await buildApp(config, { logger: pino({ level: "silent" }), print: () => undefined });
  try {
    const url = await app.listen();
    const { store } = app;
    await store.createTenant({ slug: "bench", name: "Bench" });
    // Pull-request mode: nothing is committed while the requests are timed.
    await store.putGitConnection("bench", { ...(await store.getGitConnection("bench")), outbound: "pull-request" });
    for (const name of ["warehouse", "crm"]) await store.putConnection("bench", { name, type: "postgres" });
    const half = resources / 2;
    await store.transaction(async (tx) => {
      for (let i = 0; i < half; i++) {
        await tx.putResource("bench", { kind: "model", name: `m${i}`, body: model(`m${i}`), project: null, actor, outbox: false });
        await tx.putResource("bench", { kind: "sync", name: `s${i}`, body: sync(`m${i}`), project: null, actor, outbox: false });
      }
    });
    const call = async (method: string, path: string, body?: unknown): Promise<number> => {
      const started = performance.now();
      const res = await fetch(`${url}/api/v1/tenants/bench${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      await res.arrayBuffer();
      if (res.status >= 500) throw new Error(`${method} ${path}: ${res.status}`);
      return performance.now() - started;
    };
    const put: number[] = [];
    const del: number[] = [];
    const refused: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      put.push(await call("PUT", `/resources/syncs/new-${i}`, sync(`m${i % half}`)));
      del.push(await call("DELETE", `/resources/syncs/new-${i}`));
      refused.push(await call("DELETE", `/resources/models/m${i % half}`));
    }
    return { put: median(put), delete: median(del), refused: median(refused) };
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  // A first, unprinted run warms up the process (module loading, JIT), which would otherwise
  // count against whichever size ran first.
  await measure(10);
  for (const size of [10, 10_000]) {
    const f = await measure(size);
    console.log(
      `${size} resources: PUT sync ${f.put!.toFixed(1)} ms, DELETE sync ${f.delete!.toFixed(1)} ms, DELETE referenced model (409) ${f.refused!.toFixed(1)} ms (medians of ${ROUNDS})`,
    );
  }
}
