import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as runJobs } from "../../src/cli/jobs.js";
import { modelsIn } from "../server/fixtures.js";
import { ADMIN_TOKEN, client, startServer, type TestServer } from "../server/harness.js";
import { io } from "./cli-io.js";

/**
 * `gitsync jobs` against the real server in this process: the jobs an API write really queued,
 * and the refusals the server really gives. A failed job's listing and retry, with a real
 * failure, are driven end to end in test/e2e/failed-jobs.test.ts.
 */

let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer({ GITSYNC_DEMO: "false" });
  const call = client(server);
  env = { GITSYNC_URL: server.url, GITSYNC_TOKEN: ADMIN_TOKEN, GITSYNC_TENANT: "acme" };
  expect((await call("POST", "/api/v1/tenants", { body: { slug: "acme", name: "Acme" } })).status).toBe(201);
  expect((await call("POST", "/api/v1/tenants/acme/connections", { body: { name: "warehouse", type: "postgres" } })).status).toBe(201);
  const { hasToken: _omit, ...git } = (await call("GET", "/api/v1/tenants/acme/git")).body as Record<string, unknown>;
  expect((await call("PUT", "/api/v1/tenants/acme/git", { body: { ...git, debounceMs: 0 } })).status).toBe(200);
  expect((await call("PUT", "/api/v1/tenants/acme/resources/models/orders", { body: modelsIn("sales")("orders") })).status).toBe(201);
  await server.app.sync.idle();
});
afterAll(async () => {
  await server?.stop();
});

describe("gitsync jobs", () => {
  it("lists the outbound job an API write queued, done", async () => {
    const c = io(env);
    expect(await runJobs(["--state", "done", "--json"], c)).toBe(0);
    const { items } = JSON.parse(c.out()) as { items: { id: string; kind: string; state: string }[] };
    expect(items.map((j) => `${j.kind} ${j.state}`)).toContain("outbound done");
    const words = io(env);
    expect(await runJobs(["list", "--state", "done"], words)).toBe(0);
    expect(words.out()).toMatch(/^\S+ outbound done, 1 try, created \S+$/m);
  });

  it("no failed jobs: says so", async () => {
    const c = io(env);
    expect(await runJobs(["--state", "failed"], c)).toBe(0);
    expect(c.out()).toBe("tenant acme: no jobs\n");
  });

  it("a job that did not fail is not retried, in the server's words", async () => {
    const listed = io(env);
    await runJobs(["--state", "done", "--json"], listed);
    const [done] = (JSON.parse(listed.out()) as { items: { id: string }[] }).items;
    const c = io(env);
    expect(await runJobs(["retry", done!.id], c)).toBe(1);
    expect(c.err()).toMatch(/\(conflict, HTTP 409\)/);
  });

  it("an unknown job is a 404; no id is a usage error", async () => {
    const unknown = io(env);
    expect(await runJobs(["retry", "999999"], unknown)).toBe(1);
    expect(unknown.err()).toContain("HTTP 404");
    const usage = io(env);
    expect(await runJobs(["retry"], usage)).toBe(2);
    expect(usage.err()).toContain("retry needs the job's id");
  });
});
