import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresBackend } from "../store/backends.js";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";
import { ADA } from "./git.js";
import { cloneTenant, createTenant, eventually, HOOK_SECRET, inboundEntry, modelYaml, postLocalWebhook, pushQuietly } from "./jobs-world.js";

/**
 * Three `gitsync serve` processes on one PostgreSQL and one shared data folder, as behind a
 * load balancer: deliveries spread over them are each applied exactly once, in order per
 * tenant; a process killed in the middle of a job leaves it to another within the lease.
 */

const backend = postgresBackend(process.env.GITSYNC_TEST_DATABASE_URL);
const TENANTS = ["t-a", "t-b", "t-c", "t-d", "t-e"];
// 100 deliveries in all: enough for every instance to take each tenant's jobs out of turn. The
// load itself is the scale benchmark's (`npm run bench -- scale`); set more here to soak.
const PUSHES = Number(process.env.GITSYNC_E2E_PUSHES ?? 20);

if (backend.skipReason) console.log(`several instances skipped: ${backend.skipReason}`);

describe.skipIf(backend.skipReason !== null)("three instances on one PostgreSQL", () => {
  const servers: BuiltServer[] = [];
  let env: Record<string, string>;
  let dataDir: string;

  beforeAll(async () => {
    const setup = await backend.setup();
    dataDir = setup.dataDir;
    env = {
      DATABASE_URL: setup.databaseUrl as string,
      LOCAL_WEBHOOK_SECRET: HOOK_SECRET,
      GITSYNC_DEMO: "false",
      GITSYNC_LOCAL_PUSH_CHECK: "off",
      // The chains land in the repositories before their deliveries are sent: a reconcile
      // would rightly apply them in one go, and this test is about the deliveries themselves.
      GITSYNC_RECONCILE_INTERVAL: "0",
      LOG_LEVEL: "info",
    };
    // The first creates the schema; the others join it.
    servers.push(await serveBuilt({ dataDir, env }));
    servers.push(...(await Promise.all([serveBuilt({ dataDir, env }), serveBuilt({ dataDir, env })])));
  }, 300_000);
  afterAll(async () => {
    for (const s of servers) await s.stop().catch(() => undefined);
    await backend.teardown();
  });

  /**
   * A tenant's chain of commits, each changing one model, pushed at once. One `git fast-import`
   * writes the whole chain: three git processes per commit took longer than the deliveries.
   */
  function commitChain(slug: string, count = PUSHES): { before: string; after: string }[] {
    const clone = cloneTenant(dataDir, slug);
    const bare = join(dataDir, "repos", `${slug}.git`);
    const git = (args: string[], input?: string) => execFileSync("git", args, { cwd: clone, encoding: "utf8", input, env: { ...process.env, ...ADA } }).trim();
    const start = git(["rev-parse", "HEAD"]);
    const who = `${ADA.GIT_AUTHOR_NAME} <${ADA.GIT_AUTHOR_EMAIL}> ${Math.floor(Date.now() / 1000)} +0000`;
    const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
    const commit = (i: number) =>
      `commit refs/heads/main\nmark :${i + 1}\nauthor ${who}\ncommitter ${who}\n${data(`step ${i}`)}` +
      `${i === 0 ? `from ${start}\n` : ""}M 100644 inline models/counter.yaml\n${data(modelYaml("counter", `k${i}`))}`;
    const stream = Array.from({ length: count }, (_, i) => commit(i)).join("");
    const marks = join(clone, ".git", "chain-marks");
    git(["fast-import", "--quiet", `--export-marks=${marks}`], stream);
    const shas = new Map(readFileSync(marks, "utf8").trim().split("\n").map((line) => line.slice(1).split(" ") as [string, string]));
    const after = (i: number) => shas.get(String(i + 1))!;
    const steps = Array.from({ length: count }, (_, i) => ({ before: i === 0 ? start : after(i - 1), after: after(i) }));
    expect(git(["rev-parse", "HEAD"])).toBe(steps.at(-1)!.after);
    pushQuietly(clone, {}, "", bare, { commit: false });
    return steps;
  }

  it(`applies ${TENANTS.length * PUSHES} deliveries spread over the instances exactly once, in order per tenant`, async () => {
    for (const slug of TENANTS) await createTenant(servers[0]!, slug);
    const chains = new Map(TENANTS.map((slug) => [slug, commitChain(slug)]));
    let sent = 0;
    // Tenants in parallel; each tenant's deliveries in order, each to the next instance.
    await Promise.all(
      TENANTS.map(async (slug) => {
        for (const step of chains.get(slug)!) {
          const server = servers[sent++ % servers.length]!;
          const answer = await postLocalWebhook(server, slug, step);
          expect(answer.status).toBe(202);
        }
      }),
    );
    for (const slug of TENANTS) {
      const chain = chains.get(slug)!;
      await eventually(() => inboundEntry(servers[1]!, slug, chain.at(-1)!.after), 300_000, `${slug}'s last push`);
      const log = await callBuilt(servers[2]!, "GET", `/api/v1/tenants/${slug}/log?limit=200&direction=INBOUND`);
      const applied = (log.body.items as any[]).filter((e) => e.status === "done").reverse().map((e) => e.commitSha);
      // Every commit once, oldest first: an out-of-order run would have skipped the older ones.
      expect(applied.slice(-PUSHES)).toEqual(chain.map((s) => s.after));
      const model = await callBuilt(servers[0]!, "GET", `/api/v1/tenants/${slug}/resources/models/counter`);
      expect(model.body.body.primaryKey).toBe(`k${PUSHES - 1}`);
    }
    const depth = (await callBuilt(servers[0]!, "GET", "/metrics")).text;
    expect(depth).toContain('gitsync_job_queue_depth{kind="webhook"} 0');
  }, 900_000);

  it("applies one tenant's pushes sent at once to two instances, each run in its request, one at a time and never backwards", async () => {
    await createTenant(servers[0]!, "t-inline");
    const chain = commitChain("t-inline", 30);
    // All at once, alternating instances, as pushes from several people would arrive; each
    // answer waits for the apply, which runs in the request under the tenant's lock.
    const answers = await Promise.all(chain.map((step, i) => postLocalWebhook(servers[i % 2]!, "t-inline", step, randomUUID(), { wait: true })));
    expect(answers.map((a) => a.status)).toEqual(chain.map(() => 200));
    const log = await callBuilt(servers[2]!, "GET", "/api/v1/tenants/t-inline/log?limit=200&direction=INBOUND");
    const entries = log.body.items as { commitSha: string | null; status: string }[];
    expect(entries.filter((e) => e.status === "failed")).toEqual([]);
    const applied = entries.filter((e) => e.status === "done").map((e) => e.commitSha);
    // No commit applied twice, and the tenant ends at the newest whatever the arrival order.
    expect(new Set(applied).size).toBe(applied.length);
    const last = chain.at(-1)!.after;
    expect(applied).toContain(last);
    const model = await callBuilt(servers[1]!, "GET", "/api/v1/tenants/t-inline/resources/models/counter");
    expect(model.body.body.primaryKey).toBe(`k${chain.length - 1}`);
  }, 300_000);

  it("finishes the job of an instance killed in the middle of it on another, without waiting for its lease", async () => {
    await createTenant(servers[0]!, "heavy");
    const clone = cloneTenant(dataDir, "heavy");
    const files = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`models/h-${i}.yaml`, modelYaml(`h-${i}`)]));
    const push = pushQuietly(clone, files, "1000 models", join(dataDir, "repos", "heavy.git"));
    const victim = servers[1]!;
    const answer = await postLocalWebhook(victim, "heavy", push);
    expect(answer.status).toBe(202);
    // The job is taken at once by some instance; kill the one that answered while it may run it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await victim.kill();
    servers.splice(1, 1);
    const started = Date.now();
    const entry = await eventually(() => inboundEntry(servers[0]!, "heavy", push.after), 180_000, "the push applied by a survivor");
    expect(entry.status).toBe("done");
    const log = await callBuilt(servers[1]!, "GET", "/api/v1/tenants/heavy/log?limit=20&direction=INBOUND");
    expect((log.body.items as any[]).filter((e) => e.commitSha === push.after && e.status === "done")).toHaveLength(1);
    console.log(`[instances] job finished ${Date.now() - started} ms after the kill`);
  }, 300_000);
});
