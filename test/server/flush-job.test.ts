import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { modelsIn } from "./fixtures.js";
import { client, startServer, type TestServer } from "./harness.js";

/**
 * An app change and the job that takes it to git are stored together: a write, a delete or a
 * restore whose job cannot be stored is refused whole, never kept without the job.
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

  it("is stored in a restore's transaction too: a restore whose job cannot be stored changes nothing", async () => {
    expect((await call("PUT", `${resources}/models/restorable`, { body: model("restorable") })).status).toBe(201);
    await vi.waitFor(async () => expect(await server.app.store.pendingOutbox("demo")).toEqual([]), { timeout: 20_000, interval: 50 });
    const history = (await call("GET", `${resources}/models/restorable/history`)).body;
    const first = history.items.find((i: { direction: string }) => i.direction === "OUTBOUND").commitSha as string;
    expect((await call("PUT", `${resources}/models/restorable`, { body: model("restorable", { primaryKey: "key" }) })).status).toBe(200);
    await vi.waitFor(async () => expect(await server.app.store.pendingOutbox("demo")).toEqual([]), { timeout: 20_000, interval: 50 });
    const body = { ref: first, resources: [{ kind: "models", name: "restorable" }] };

    const refuse = vi.spyOn(server.app.sync.deps.jobs, "enqueue").mockRejectedValue(new Error("the job table is full"));
    try {
      expect((await call("POST", "/api/v1/tenants/demo/restore", { body, unchecked: true })).status).toBe(500);
    } finally {
      refuse.mockRestore();
    }
    expect((await call("GET", `${resources}/models/restorable`)).body.body.primaryKey).toBe("key");
    expect(await server.app.store.pendingOutbox("demo")).toEqual([]);

    const before = (await outboundJobs()).length;
    expect((await call("POST", "/api/v1/tenants/demo/restore", { body })).body.status).toBe("applied");
    expect((await outboundJobs()).length).toBe(before + 1);
    await vi.waitFor(async () => expect(await server.app.store.pendingOutbox("demo")).toEqual([]), { timeout: 20_000, interval: 50 });
  });
});
