import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtPackage, callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";
import { gitAsAda } from "./git.js";

/**
 * The review pages' API and `gitsync restore` against the built server, as a user and an
 * attacker would drive them: git pushes to the bare repository, curl-like calls, the CLI.
 */

const run = promisify(execFile);

/**
 * A call that is retried once when the server closed an idle kept-alive socket just as fetch
 * reused it (the calls here are safe to repeat: reads, plans, and opening the same pull request).
 */
async function call(server: BuiltServer, method: string, path: string, options: Parameters<typeof callBuilt>[3] = {}) {
  try {
    return await callBuilt(server, method, path, options);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return callBuilt(server, method, path, options);
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("review and restore on the built server", () => {
  let server: BuiltServer;
  let work: string;
  let bare: string;
  let cli: string;
  const show = (spec: string) => execFileSync("git", ["--git-dir", bare, "show", spec]).toString("utf8");
  const head = () => execFileSync("git", ["--git-dir", bare, "rev-parse", "main"]).toString("utf8").trim();
  const restoreCli = (...args: string[]) =>
    run(process.execPath, [cli, "restore", ...args, "--url", server.url, "--token", server.token]).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  /** Waits until the branch holds `text` in `path` (the outbound worker commits after its debounce). */
  const untilCommitted = async (path: string, text: string) => {
    const holds = () => {
      try {
        return show(`main:${path}`).includes(text);
      } catch {
        return false;
      }
    };
    for (const deadline = Date.now() + 20_000; !holds(); await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`${path} never held ${text}`);
    }
  };

  beforeAll(async () => {
    cli = join(await builtPackage(), "dist", "src", "cli", "main.js");
    server = await serveBuilt();
    bare = join(server.dataDir, "repos", "demo.git");
    for (const deadline = Date.now() + 30_000; ; await sleep(100)) {
      try {
        execFileSync("git", ["--git-dir", bare, "rev-parse", "--verify", "-q", "refs/heads/main"], { stdio: "pipe" });
        break;
      } catch {
        if (Date.now() > deadline) throw new Error("the demo tenant's first commit did not come");
      }
    }
    const { hasToken: _ignored, ...fields } = (await call(server, "GET", "/api/v1/tenants/demo/git")).body;
    expect((await callBuilt(server, "PUT", "/api/v1/tenants/demo/git", { body: { ...fields, debounceMs: 20 } })).status).toBe(200);
    work = await mkdtemp(join(tmpdir(), "gitsync-e2e-review-"));
    gitAsAda(tmpdir(), ["clone", "-q", bare, work]);
  }, 300_000);
  afterAll(async () => {
    if (process.env.DEBUG_E2E) console.log(server?.output());
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("gives a pushed branch's pull request its changed files as hunks", async () => {
    gitAsAda(work, ["checkout", "-qb", "tune"]);
    const path = join(work, "python-environments", "etl.yaml");
    await writeFile(path, (await readFile(path, "utf8")).replace(/pythonVersion: .*/, 'pythonVersion: "3.12"'));
    gitAsAda(work, ["commit", "-qam", "Python 3.12"]);
    gitAsAda(work, ["push", "-q", "origin", "tune"]);
    const opened = await call(server, "POST", "/api/v1/tenants/demo/pulls", { body: { head: "tune" } });
    expect(opened.status).toBe(201);
    const detail = (await call(server, "GET", `/api/v1/tenants/demo/pulls/${opened.body.pull.number}`)).body;
    expect(detail.files).toEqual([
      expect.objectContaining({ path: "python-environments/etl.yaml", status: "modified", binary: false }),
    ]);
    expect(detail.files[0].hunks[0].lines).toEqual(expect.arrayContaining(['-pythonVersion: "3.11"', '+pythonVersion: "3.12"']));
    expect((await callBuilt(server, "POST", `/api/v1/tenants/demo/pulls/${opened.body.pull.number}/merge`)).status).toBe(200);
    await untilCommitted("python-environments/etl.yaml", '"3.12"');
  });

  it("answers a resource's file and history, and restores it with the CLI: plan first, then a commit", async () => {
    const file = await call(server, "GET", "/api/v1/tenants/demo/resources/python-environments/etl/file");
    expect(file.body.content).toBe(show("main:python-environments/etl.yaml"));
    const history = (await call(server, "GET", "/api/v1/tenants/demo/resources/python-environments/etl/history")).body;
    expect(history.items[0]).toMatchObject({ direction: "INBOUND", subject: "Python 3.12", status: "done" });
    const first = history.items.at(-1).commitSha as string;

    const plan = await restoreCli("demo", "--ref", first, "--resource", "python-environments/etl", "--dry-run");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("(dry run, nothing changed)");
    expect(plan.stdout).toContain("update python-environment etl: pythonVersion");
    expect(show("main:python-environments/etl.yaml")).toContain('"3.12"');

    const before = head();
    const applied = await restoreCli("demo", "--ref", first, "--resource", "python-environments/etl");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("restored demo at");
    await untilCommitted("python-environments/etl.yaml", '"3.11"');
    expect(execFileSync("git", ["--git-dir", bare, "rev-list", `${before}..main`]).toString("utf8").trim().split("\n")).toHaveLength(1);
  });

  it("refuses a restore that would leave the tenant invalid, with findings, and changes nothing", async () => {
    const at = head();
    const model = (await call(server, "GET", "/api/v1/tenants/demo/resources/models/accounts")).body.body;
    expect((await callBuilt(server, "PUT", "/api/v1/tenants/demo/resources/models/invoices", { body: { ...model, name: "invoices" } })).status).toBe(201);
    const sync = (await call(server, "GET", "/api/v1/tenants/demo/resources/syncs/accounts-to-crm")).body.body;
    await callBuilt(server, "PUT", "/api/v1/tenants/demo/resources/syncs/invoices-to-crm", { body: { ...sync, model: "invoices" } });
    await untilCommitted("syncs/invoices-to-crm.yaml", "invoices");
    const refused = await restoreCli("demo", "--ref", at, "--resource", "models/invoices");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "models/invoices.yaml:1:1: error missing-reference: model 'invoices' is deleted but sync 'invoices-to-crm' still names it in field 'model'",
    );
    expect(refused.stderr).toContain("nothing changed");
    expect((await call(server, "GET", "/api/v1/tenants/demo/resources/models/invoices")).status).toBe(200);
  });

  it("turns away hostile input: option-like refs, bad names, and readers who may not write", async () => {
    const option = await callBuilt(server, "POST", "/api/v1/tenants/demo/restore", { body: { ref: "--output=/tmp/gitsync-pwned" } });
    expect([400, 404]).toContain(option.status);
    const traversal = await call(server, "GET", "/api/v1/tenants/demo/resources/models/..%2F..%2Fetc/file");
    expect([400, 404]).toContain(traversal.status);
    const badRef = await call(server, "GET", "/api/v1/tenants/demo/resources/models/accounts/file?ref=-p");
    expect([400, 404]).toContain(badRef.status);
    const viewer = await callBuilt(server, "POST", "/api/v1/tokens", {
      body: { label: "reader", role: "viewer", user: { name: "Vic", email: "vic@example.com" } },
    });
    const denied = await callBuilt(server, "POST", "/api/v1/tenants/demo/restore", { body: { ref: "main", dryRun: true }, token: viewer.body.secret });
    expect(denied.status).toBe(403);
    expect((await call(server, "GET", "/api/v1/tenants/demo/resources/models/accounts/history", { token: null })).status).toBe(401);
  });
});
