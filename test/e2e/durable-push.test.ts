import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { postgresBackend, sqliteBackend, type Backend } from "../store/backends.js";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";
import { cloneTenant, createTenant, eventually, HOOK_SECRET, inboundEntry, modelYaml, postLocalWebhook, pushQuietly, sleep } from "./jobs-world.js";

/**
 * An acknowledged push survives a crash: the delivery and its job are stored before the 202,
 * so a server killed while applying it applies the push when it starts again, without waiting
 * for the job's lease.
 */

const FILES = 1000;

for (const backend of [sqliteBackend(), postgresBackend(process.env.GITSYNC_TEST_DATABASE_URL)] as Backend[]) {
  if (backend.skipReason) console.log(`durable push on ${backend.name} skipped: ${backend.skipReason}`);
  describe.skipIf(backend.skipReason !== null)(`a push acknowledged with 202, then SIGKILL while it applies, on ${backend.name}`, () => {
    const servers: BuiltServer[] = [];
    afterAll(async () => {
      for (const s of servers) await s.stop().catch(() => undefined);
      await backend.teardown();
    });

    it(`applies all ${FILES} files after the restart, with its sync-log entry`, async () => {
      const { databaseUrl, dataDir } = await backend.setup();
      // No reconcile: after the restart only the stored job may apply the push.
      const env: Record<string, string> = { LOCAL_WEBHOOK_SECRET: HOOK_SECRET, GITSYNC_DEMO: "false", GITSYNC_LOCAL_PUSH_CHECK: "off", GITSYNC_RECONCILE_INTERVAL: "0" };
      if (databaseUrl) env.DATABASE_URL = databaseUrl;
      const first = await serveBuilt({ dataDir, env });
      servers.push(first);
      await createTenant(first, "big");
      const clone = cloneTenant(dataDir, "big");
      const files = Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`models/m-${i}.yaml`, modelYaml(`m-${i}`)]));
      const push = pushQuietly(clone, files, `${FILES} models`, join(dataDir, "repos", "big.git"));

      const answer = await postLocalWebhook(first, "big", push).catch((error: unknown) => {
        throw new Error(`${String(error)} (exit ${String(first.process.exitCode)} ${String(first.process.signalCode)})\n${first.output().slice(-1500)}`);
      });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ accepted: true, duplicate: false });
      // The worst moment: the job has been taken and is applying. On PostgreSQL it is left
      // running in the table, for the restarted server to take over.
      let state: string | undefined;
      for (const end = Date.now() + 60_000; state !== "running" && Date.now() < end; await sleep(20)) {
        const jobs = await callBuilt(first, "GET", "/api/v1/tenants/big/jobs?limit=5");
        state = (jobs.body.items as { id: string; state: string }[]).find((j) => j.id === answer.body.job)?.state;
        expect(state, "the push was applied before the kill: nothing left to lose").not.toBe("done");
      }
      expect(state).toBe("running");
      await first.kill();

      const second = await serveBuilt({ dataDir, env });
      servers.push(second);
      const entry = await eventually(() => inboundEntry(second, "big", push.after), 120_000, "the push's sync-log entry");
      expect(entry.status).toBe("done");
      const models = await callBuilt(second, "GET", "/api/v1/tenants/big/resources/models");
      expect(models.status).toBe(200);
      expect(JSON.stringify(models.body).match(/"m-\d+"/g)?.length).toBeGreaterThanOrEqual(FILES);
      const status = await callBuilt(second, "GET", "/api/v1/tenants/big/status");
      expect(status.body.lastAppliedSha).toBe(push.after);
      // A redelivery of the applied push changes nothing: its work committed.
      const again = await postLocalWebhook(second, "big", push, answer.body.delivery);
      expect(again.body).toMatchObject({ duplicate: true, job: null });
    }, 400_000);
  });
}

describe("one server per SQLite data folder", () => {
  it("refuses a second server with a clear error, and a killed server's lock never blocks a restart", async () => {
    const { dataDir } = await sqliteBackend().setup();
    const env = { GITSYNC_DEMO: "false" };
    const first = await serveBuilt({ dataDir, env });
    const refused = await serveBuilt({ dataDir, env }).then(
      (s) => s.stop().then(() => "started"),
      (error: unknown) => String(error),
    );
    expect(refused).toContain(`another gitsync server (pid ${first.process.pid}) is using the data folder`);
    expect(refused).toContain("DATABASE_URL");
    await first.kill();
    const restarted = await serveBuilt({ dataDir, env });
    expect((await callBuilt(restarted, "GET", "/readyz", { token: null })).body).toMatchObject({ status: "ok", database: "up", queue: "up" });
    await restarted.stop();
  }, 300_000);
});
