import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/index.js";
import { commitFiles, pushAsync, runGit } from "../helpers/working-copy.js";
import { modelsIn } from "./fixtures.js";
import { serveAcmeWithClone } from "./acme-clone.js";
import type { client, TestServer } from "./harness.js";

/**
 * Merging respects the check, through the in-process server: each state of gitsync's check on
 * a local pull request's head (running, failed, missing, passed) gives its own answer.
 */

let server: TestServer;
let call: ReturnType<typeof client>;
let work: string;
const pat: Actor = { name: "Pat Pusher", email: "pat@example.com" };
const git = (args: string[]): string => runGit(work, args, pat);
const model = modelsIn("sales");

beforeAll(async () => {
  ({ server, call, work } = await serveAcmeWithClone("gitsync-gate-", pat));
});
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

async function openPull(branch: string, files: Record<string, string>): Promise<{ number: number; headSha: string }> {
  git(["checkout", "-q", "-b", branch, "origin/main"]);
  await commitFiles(work, files, `Change on ${branch}`, pat);
  await pushAsync(work, branch, pat);
  await server.app.sync.idle();
  const opened = await call("POST", "/api/v1/tenants/acme/pulls", { body: { head: branch } });
  expect(opened.status).toBe(201);
  return opened.body.pull;
}

describe("merging a local pull request respects its check", () => {
  it("refuses while the check is still running, and names it", async () => {
    const pull = await openPull("running", { "models/orders.yaml": `${JSON.stringify(model("orders", { primaryKey: "order_id" }))}\n` });
    // The check is put back in progress, as it is while a re-run evaluates the head.
    const [check] = await server.app.store.listLocalChecks("acme", pull.headSha);
    await server.app.store.putLocalCheck({ ...check!, status: "in_progress", conclusion: null });
    const refused = await call("POST", `/api/v1/tenants/acme/pulls/${pull.number}/merge`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.reasons).toEqual(["the check gitsync is still running"]);
    expect(refused.body.error.message).toBe(`pull request #${pull.number} cannot be merged: the check gitsync is still running`);
  });

  it("merges once the check on the current head passed", async () => {
    const pull = await openPull("valid", { "models/leads.yaml": `${JSON.stringify(model("leads"))}\n` });
    const detail = (await call("GET", `/api/v1/tenants/acme/pulls/${pull.number}`)).body;
    expect(detail.checks[0]).toMatchObject({ name: "gitsync", conclusion: "success" });
    expect(detail.merge).toEqual({ allowed: true, reasons: [] });
    const merged = await call("POST", `/api/v1/tenants/acme/pulls/${pull.number}/merge`);
    expect(merged.status).toBe(200);
    expect(merged.body.pull.state).toBe("merged");
    await server.app.sync.idle();
    expect((await call("GET", "/api/v1/tenants/acme/resources/models/leads")).status).toBe(200);
  });
});
