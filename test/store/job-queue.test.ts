import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Job, JobHandler, JobQueue, Store } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import { openJobQueue, type PgBossJobQueue, SqliteJobQueue } from "../../src/store/jobs/index.js";
import { bury, complete, fetchNext, olderInLane } from "../../src/store/jobs/pgboss-rows.js";
import { handleOf } from "../../src/store/jobs/sqlite-queue.js";
import { postgresBackend, sqliteBackend, type Backend } from "./backends.js";

/**
 * The job queue port on both engines, driven the way the server drives it: lanes keep their
 * order through failures and parallel workers, a job exists only if its transaction commits,
 * a debounce does not hold its lane, and a failed job waits for a retry.
 */

const backends: Backend[] = [sqliteBackend(), postgresBackend(process.env.GITSYNC_TEST_DATABASE_URL)];

/** Polls until `probe` holds; fails after `ms` with what it was waiting for. */
async function until(probe: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends)("job queue on $name", (backend) => {
  describe.skipIf(backend.skipReason !== null)(backend.name, () => {
    let store: Store;
    let location: { databaseUrl: string | null; dataDir: string };
    let queue: JobQueue;
    let lanes = 0;
    const newLane = () => `lane-${++lanes}`;

    beforeAll(async () => {
      location = await backend.setup();
      store = await openStore({ ...location, secretKey: randomBytes(32) });
    });
    afterEach(async () => {
      await queue?.stop();
    });
    afterAll(async () => {
      await store?.close();
      await backend.teardown();
    });

    const open = (concurrency = 4) => {
      queue = openJobQueue(store, { databaseUrl: location.databaseUrl, concurrency, leaseSeconds: 30 });
      return queue;
    };

    it("runs each lane's jobs one at a time in order, through failures, while lanes run side by side", async () => {
      const q = open(3);
      const laneNames = [newLane(), newLane(), newLane()];
      const ran = new Map<string, number[]>(laneNames.map((l) => [l, []]));
      const active = new Map<string, number>();
      let overlap = false;
      let sideBySide = false;
      const failedOnce = new Set<number>();
      const handler: JobHandler = {
        async run(job: Job) {
          const n = job.payload.n as number;
          if ((active.get(job.lane) ?? 0) > 0) overlap = true;
          active.set(job.lane, 1);
          const othersActive = () => [...active.values()].filter((v) => v > 0).length > 1;
          // Each lane's first job waits a while for another lane's to start, so running side
          // by side shows whatever the load on the machine.
          if (n === 0) await until(othersActive, "another lane", 2_000).catch(() => undefined);
          if (othersActive()) sideBySide = true;
          await pause(n % 3);
          active.set(job.lane, 0);
          // Every fifth job fails on its first try: the lane must wait for its retry.
          if (n % 5 === 0 && !failedOnce.has(n)) {
            failedOnce.add(n);
            throw new Error(`first try of ${n}`);
          }
          ran.get(job.lane)!.push(n);
        },
        async failed() {
          return { retryInMs: 30, message: "try again" };
        },
      };
      for (let n = 0; n < 12; n += 1) {
        for (const lane of laneNames) await q.enqueue({ kind: "webhook", tenant: null, lane, payload: { n } });
      }
      await q.start(handler);
      await until(() => [...ran.values()].every((r) => r.length === 12), "every job of every lane");
      for (const lane of laneNames) expect(ran.get(lane)).toEqual(Array.from({ length: 12 }, (_, n) => n));
      expect(overlap).toBe(false);
      expect(sideBySide).toBe(true);
    });

    it("stores a job with its transaction: none when it rolls back", async () => {
      const q = open();
      const lane = newLane();
      const seen: unknown[] = [];
      await q.start({ run: async (job) => void seen.push(job.payload.which), failed: async () => ({ retryInMs: null, message: "no" }) });
      await store
        .transaction(async (tx) => {
          await q.enqueue({ kind: "webhook", tenant: null, lane, payload: { which: "rolled back" } }, tx);
          throw new Error("the work failed");
        })
        .catch(() => undefined);
      await store.transaction(async (tx) => {
        await q.enqueue({ kind: "webhook", tenant: null, lane, payload: { which: "committed" } }, tx);
      });
      await until(() => seen.length > 0, "the committed job");
      await q.idle();
      expect(seen).toEqual(["committed"]);
    });

    it("lets a newer job pass a debounced one, runs the debounced one when due, and coalesces while it waits", async () => {
      const q = open();
      const lane = newLane();
      const seen: string[] = [];
      await q.start({ run: async (job) => void seen.push(job.payload.which as string), failed: async () => ({ retryInMs: null, message: "no" }) });
      const first = await q.enqueue({ kind: "outbound", tenant: "t", lane, payload: { which: "flush" }, delayMs: 1500, coalesce: `c-${lane}` });
      const again = await q.enqueue({ kind: "outbound", tenant: "t", lane, payload: { which: "flush" }, delayMs: 1500, coalesce: `c-${lane}` });
      expect(again).toBe(first);
      await q.enqueue({ kind: "webhook", tenant: "t", lane, payload: { which: "push" } });
      await until(() => seen.length === 2, "the push, then the flush when due");
      expect(seen).toEqual(["push", "flush"]);
    });

    it("keeps a job that cannot succeed as failed, with its error, until it is retried", async () => {
      const q = open();
      const lane = newLane();
      let fixed = false;
      await q.start({
        run: async () => {
          if (!fixed) throw new Error("the provider refused");
        },
        failed: async (_job, error) => ({ retryInMs: null, message: (error as Error).message }),
      });
      const id = await q.enqueue({ kind: "snapshot", tenant: `tenant-${lane}`, lane, payload: {} });
      await until(async () => (await q.get(id))?.state === "failed", "the job to fail");
      const [failed] = await q.list(`tenant-${lane}`, { state: "failed" });
      expect(failed).toMatchObject({ id, state: "failed", error: "the provider refused", attempts: 1 });
      fixed = true;
      expect(await q.retry("someone-else", id)).toBeNull();
      expect((await q.retry(`tenant-${lane}`, id))?.state).toBe("queued");
      await until(async () => (await q.get(id))?.state === "done", "the retried job to finish");
    });

    it.skipIf(backend.name !== "sqlite")("runs a job that falls due while a pass looks at the table", async () => {
      // A clock that moves on at every reading, as a loaded machine's does between the claim
      // and the look for the next due job.
      let clock = Date.now();
      const db = handleOf(store)!;
      const stepping = new SqliteJobQueue(db, { concurrency: 1, now: () => (clock += 10) });
      queue = stepping;
      const seen: string[] = [];
      await stepping.start({ run: async (job) => void seen.push(job.id), failed: async () => ({ retryInMs: null, message: "no" }) });
      // The first pass (at start) is over before the job arrives.
      await pause(100);
      // Due between the pass's first and second reading of the clock.
      const id = await stepping.enqueue({ kind: "outbound", tenant: "t", lane: newLane(), payload: {}, delayMs: 15 });
      await until(() => seen.includes(id), "the job that fell due", 5_000);
    });

    it.skipIf(backend.name !== "postgres")("lets one instance at a time work on a tenant, and different tenants at once", async () => {
      // Two queues on one database stand for two instances.
      const first = open();
      const second = openJobQueue(store, { databaseUrl: location.databaseUrl, concurrency: 1, leaseSeconds: 30 });
      try {
        const inside = new Map<string, number>();
        let overlapped = false;
        let sideBySide = false;
        const work = (queue: JobQueue, tenant: string) =>
          queue.exclusive(tenant, async () => {
            if ((inside.get(tenant) ?? 0) > 0) overlapped = true;
            inside.set(tenant, (inside.get(tenant) ?? 0) + 1);
            if ([...inside.values()].filter((n) => n > 0).length > 1) sideBySide = true;
            await pause(20);
            inside.set(tenant, (inside.get(tenant) ?? 0) - 1);
            return tenant;
          });
        const runs = Array.from({ length: 6 }, (_, i) => work(i % 2 === 0 ? first : second, i % 3 === 0 ? "t-one" : "t-two"));
        expect(await Promise.all(runs)).toEqual(["t-one", "t-two", "t-two", "t-one", "t-two", "t-two"]);
        expect(overlapped).toBe(false);
        expect(sideBySide).toBe(true);
        // A failure releases the lock: the next one gets it.
        await expect(first.exclusive("t-one", async () => Promise.reject(new Error("the apply failed")))).rejects.toThrow("the apply failed");
        expect(await second.exclusive("t-one", async () => "after")).toBe("after");
      } finally {
        await second.stop();
      }
    });

    it.skipIf(backend.name !== "postgres")("takes over at once a job whose instance died, however long its lease", async () => {
      const db = handleOf(store)!;
      const lane = newLane();
      const q = open(1) as PgBossJobQueue;
      const id = await q.enqueue({ kind: "webhook", tenant: null, lane, payload: {} });
      // What a killed instance leaves: the job fetched a minute ago, its lane lock gone with the
      // process, and an hour before pg-boss's own expiry would hand it out again.
      await sql`UPDATE pgboss.job SET state = 'active', started_on = now() - interval '1 minute', expire_in = interval '1 hour'
        WHERE id = ${id}::uuid`.execute(db);
      const ran: string[] = [];
      await q.start({ run: async (job) => void ran.push(job.id), failed: async () => ({ retryInMs: null, message: "no" }) });
      await until(() => ran.includes(id), "the taken-over job to run", 15_000);
      await until(async () => (await q.get(id))?.state === "done", "the job to be done");
      expect(ran).toEqual([id]);
      expect((await q.get(id))?.attempts).toBe(2);
    });

    it.skipIf(backend.name !== "postgres")("never takes over a job that is still running, and a fetch taken over writes nothing", async () => {
      const db = handleOf(store)!;
      const lane = newLane();
      const q = open(1) as PgBossJobQueue;
      let finish = () => {};
      const running = new Promise<void>((resolve) => (finish = resolve));
      const ran: string[] = [];
      const run = async (job: Job) => {
        ran.push(job.id);
        await running;
      };
      await q.start({ run, failed: async () => ({ retryInMs: null, message: "no" }) });
      const id = await q.enqueue({ kind: "webhook", tenant: null, lane, payload: {} });
      await until(async () => (await q.get(id))?.state === "running", "the job to start");
      await sql`UPDATE pgboss.job SET started_on = now() - interval '1 hour' WHERE id = ${id}::uuid`.execute(db);
      const other = openJobQueue(store, { databaseUrl: location.databaseUrl, concurrency: 1, leaseSeconds: 30 }) as PgBossJobQueue;
      try {
        expect(await other.takeOver()).toBe(0);
      } finally {
        await other.stop();
      }
      finish();
      await until(async () => (await q.get(id))?.state === "done", "the job to be done");
      expect(ran).toEqual([id]);
      // A claim on an older fetch of the job changes nothing.
      const { retry_count } = (await sql<{ retry_count: number }>`SELECT retry_count FROM pgboss.job WHERE id = ${id}::uuid`.execute(db)).rows[0]!;
      await sql`UPDATE pgboss.job SET state = 'active', retry_count = retry_count + 1 WHERE id = ${id}::uuid`.execute(db);
      await bury(db, { id, retryCount: retry_count }, "too late");
      expect((await q.get(id))?.state).toBe("running");
      // Not left running for a later test's queue to take over.
      await sql`UPDATE pgboss.job SET state = 'completed' WHERE id = ${id}::uuid`.execute(db);
    });

    it.skipIf(backend.name !== "postgres")("hands out no job of a busy lane, but the next lane's, and the lane's next once it is done", async () => {
      const db = handleOf(store)!;
      const q = open(1);
      const [a, b] = [newLane(), newLane()];
      const a1 = await q.enqueue({ kind: "webhook", tenant: null, lane: a, payload: {} });
      const a2 = await q.enqueue({ kind: "webhook", tenant: null, lane: a, payload: {} });
      const b1 = await q.enqueue({ kind: "webhook", tenant: null, lane: b, payload: {} });
      // Only this test's lanes: other tests' finished jobs share the table.
      const take = async () => {
        const job = await fetchNext(db);
        expect(job === null || [a1, a2, b1].includes(job.id)).toBe(true);
        return job;
      };
      const first = await take();
      expect(first?.id).toBe(a1);
      expect((await take())?.id).toBe(b1);
      expect(await take()).toBeNull();
      await complete(db, first!);
      expect((await take())?.id).toBe(a2);
    });

    it.skipIf(backend.name !== "postgres")("orders jobs created in the same millisecond by their full creation time", async () => {
      const q = open();
      const lane = newLane();
      const older = await q.enqueue({ kind: "webhook", tenant: null, lane, payload: {} });
      const newer = await q.enqueue({ kind: "webhook", tenant: null, lane, payload: {} });
      const db = handleOf(store)!;
      await sql`UPDATE pgboss.job SET created_on = '2026-01-01T00:00:00.123100Z' WHERE id = ${older}::uuid`.execute(db);
      await sql`UPDATE pgboss.job SET created_on = '2026-01-01T00:00:00.123900Z' WHERE id = ${newer}::uuid`.execute(db);
      expect(await olderInLane(db, { id: newer })).toBe(true);
      expect(await olderInLane(db, { id: older })).toBe(false);
    });
  });
});
