import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { Actor } from "../../src/core/index.js";
import { runGit } from "../helpers/working-copy.js";
import { modelsIn } from "./fixtures.js";
import { client, startServer, type TestServer } from "./harness.js";

/**
 * An in-process server with one local tenant `acme` (a warehouse connection, a 20 ms debounce,
 * the model `orders` committed) and a clone of its repository that `actor` pushes from: the
 * start of every test of the local review flow.
 */
export async function serveAcmeWithClone(prefix: string, actor: Actor): Promise<{ server: TestServer; call: ReturnType<typeof client>; work: string }> {
  const server = await startServer({ GITSYNC_DEMO: "false" });
  const call = client(server);
  expect((await call("POST", "/api/v1/tenants", { body: { slug: "acme", name: "Acme" } })).status).toBe(201);
  await call("POST", "/api/v1/tenants/acme/connections", { body: { name: "warehouse", type: "postgres" } });
  const { hasToken: _ignored, ...fields } = (await call("GET", "/api/v1/tenants/acme/git")).body;
  await call("PUT", "/api/v1/tenants/acme/git", { body: { ...fields, debounceMs: 20 } });
  expect((await call("PUT", "/api/v1/tenants/acme/resources/models/orders", { body: modelsIn("sales")("orders") })).status).toBe(201);
  await server.app.sync.idle();
  const work = await mkdtemp(join(tmpdir(), prefix));
  runGit(tmpdir(), ["clone", "-q", join(server.dataDir, "repos", "acme.git"), work], actor);
  return { server, call, work };
}
