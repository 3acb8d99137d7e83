import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ada } from "../helpers/sync-world.js";
import { modelsIn } from "./fixtures.js";
import { client, startServer, type TestServer } from "./harness.js";

/**
 * An app change and the job that takes it to git are stored together: a write whose job cannot
 * be stored is refused whole, and a change left without its job (a write path that queues it
 * after its transaction, on an instance that died in between) gets one at the next reconcile.
 */

let server: TestServer;
let call: ReturnType<typeof client>;
const model = modelsIn("flush-tests");
const resources = "/api/v1/tenants/demo/resources";

beforeAll(async () => {
  server = await startServer({ GITSYNC_RECONCILE_INTERVAL: "0" });
  call = client(server);
  await server.app.sync.idle();
});
afterAll(async () => server?.stop());

const outboundJobs = async () => (await server.app.sync.deps.jobs.list("demo", { limit: 200 })).filter((j) => j.kind === "outbound");

describe("the flush job of an app change", () => {
  it("is stored in the write's transaction: no job, no change", async () => {
    expect((await call("PUT", `${resources}/models/kept`, { body: model("kept") })).status).toBe(201);
    await vi.waitFor(async () => expect(await server.app.store.pendingOutbox("demo")).toEqual([]), { timeout: 20_000, interval: 50 });
    const jobs = server.app.sync.deps.jobs;
    const refuse = vi.spyOn(jobs, "enqueue").mockRejectedValue(new Error("the job table is full"));
    try {
      const put = await call("PUT", `${resources}/models/unqueued`, { body: model("unqueued"), unchecked: true });
      expect(put.status).toBe(500);
      const del = await call("DELETE", `${resources}/models/kept`, { unchecked: true });
      expect(del.status).toBe(500);
    } finally {
      refuse.mockRestore();
    }
    expect((await call("GET", `${resources}/models/unqueued`)).status).toBe(404);
    expect((await call("GET", `${resources}/models/kept`)).status).toBe(200);
    expect(await server.app.store.pendingOutbox("demo")).toEqual([]);
  });

  it("is queued with the change: the commit follows without any other call", async () => {
    const before = (await outboundJobs()).length;
    expect((await call("PUT", `${resources}/models/queued`, { body: model("queued") })).status).toBe(201);
    expect((await outboundJobs()).length).toBe(before + 1);
    await vi.waitFor(async () => expect(await server.app.store.pendingOutbox("demo")).toEqual([]), { timeout: 20_000, interval: 50 });
  });

  it("is queued again by the reconcile when a change was left without one", async () => {
    // Recorded the way a path that queues after its transaction leaves it when it dies in between.
    await server.app.store.putResource("demo", { kind: "model", name: "orphan", body: model("orphan"), project: "flush-tests", actor: ada, outbox: true });
    const before = (await outboundJobs()).length;
    await server.app.sync.reconcile();
    expect((await outboundJobs()).length).toBe(before + 1);
    await vi.waitFor(async () => expect(await server.app.store.pendingOutbox("demo")).toEqual([]), { timeout: 20_000, interval: 50 });
    const log = await call("GET", "/api/v1/tenants/demo/log?limit=5&direction=OUTBOUND");
    expect(log.body.items[0]).toMatchObject({ status: "done", resources: ["model/orphan"] });
  });
});
