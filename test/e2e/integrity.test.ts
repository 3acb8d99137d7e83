import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/**
 * The tenant is always valid and a refused push explains itself, driven as a user would: curl-like
 * calls against `gitsync serve`, and a real `git clone` / `git push` of the demo tenant's repository.
 */

const pat = { GIT_AUTHOR_NAME: "Pat", GIT_AUTHOR_EMAIL: "pat@example.com", GIT_COMMITTER_NAME: "Pat", GIT_COMMITTER_EMAIL: "pat@example.com" };
const env = { ...process.env, ...pat };
const git = (cwd: string, args: string[]): string =>
  execFileSync("git", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] }).toString("utf8").trim();

/** `git push`, resolving to what git printed and whether it succeeded. */
async function push(cwd: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)("git", ["push", "origin", "main"], { cwd, env });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string };
    return { ok: false, output: failed.stdout + failed.stderr };
  }
}

const BROKEN_SYNC = "model: nowhere\ndestination: crm\nconfig: {}\nschedule: null\nschedulePaused: false\n";

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => null);
    if (found !== null) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function cloneDemo(server: BuiltServer, work: string, name: string): Promise<{ checkout: string; bare: string }> {
  const bare = join(server.dataDir, "repos", "demo.git");
  await waitFor("the demo tenant's first commit", async () => (git(work, ["--git-dir", bare, "rev-parse", "main"]) ? true : null));
  const checkout = join(work, name);
  git(work, ["clone", "-q", bare, checkout]);
  return { checkout, bare };
}

describe("integrity and push verdicts on the built server", () => {
  let server: BuiltServer;
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "gitsync-e2e-work-"));
    server = await serveBuilt();
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("refuses to delete a model a sync still names: 409, nothing changed, no commit", async () => {
    const { bare } = await cloneDemo(server, work, "first");
    const head = git(work, ["--git-dir", bare, "rev-parse", "main"]);
    const res = await callBuilt(server, "DELETE", "/api/v1/tenants/demo/resources/models/active-customers");
    expect(res.status).toBe(409);
    expect(res.body.error.details.referrers).toEqual([{ kind: "sync", name: "customers-to-crm", field: "model" }]);
    expect(res.body.error.message).toContain("sync customers-to-crm (field model)");
    expect((await callBuilt(server, "GET", "/api/v1/tenants/demo/resources/models/active-customers")).status).toBe(200);
    // Past the debounce: a broken tree would have been committed by now.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await callBuilt(server, "GET", "/api/v1/tenants/demo/status")).body.waiting).toBe(0);
    expect(git(work, ["--git-dir", bare, "rev-parse", "main"])).toBe(head);
  });

  it("answers the push check only to the hooks' signature", async () => {
    const res = await callBuilt(server, "POST", "/webhooks/local/check", {
      token: null,
      raw: JSON.stringify({ repository: "demo", updates: [], quarantine: "/tmp" }),
      headers: { "content-type": "application/json", "x-gitsync-signature": "sha256=00", "x-gitsync-delivery": "forged" },
    });
    expect(res.status).toBe(401);
  });

  it("refuses an invalid git push with remote: lines, and applies a valid one saying so", async () => {
    const { checkout, bare } = await cloneDemo(server, work, "second");
    const head = git(work, ["--git-dir", bare, "rev-parse", "main"]);
    await writeFile(join(checkout, "syncs", "broken.yaml"), BROKEN_SYNC);
    git(checkout, ["add", "-A"]);
    git(checkout, ["commit", "-qm", "A broken sync"]);
    const refused = await push(checkout);
    expect(refused.ok).toBe(false);
    expect(refused.output).toContain("remote: gitsync: syncs/broken.yaml:1:8: error missing-reference: model 'nowhere'");
    expect(refused.output).toMatch(/pre-receive hook declined/);
    expect(git(work, ["--git-dir", bare, "rev-parse", "main"])).toBe(head);
    expect((await callBuilt(server, "GET", "/api/v1/tenants/demo/resources/syncs/broken")).status).toBe(404);

    git(checkout, ["reset", "-q", "--hard", "HEAD~1"]);
    const model = join(checkout, "models", "accounts.yaml");
    await writeFile(model, (await readFile(model, "utf8")).replace("public.accounts", "public.accounts_v2"));
    git(checkout, ["commit", "-qam", "Rename the table"]);
    const applied = await push(checkout);
    expect(applied.ok).toBe(true);
    expect(applied.output).toMatch(/remote: gitsync: tenant demo: applied 1 resource \(sync log entry \d+\)/);
    const body = (await callBuilt(server, "GET", "/api/v1/tenants/demo/resources/models/accounts")).body;
    expect(body.body.tableName).toBe("public.accounts_v2");
  });
});

describe("with GITSYNC_LOCAL_PUSH_CHECK=off the push lands and inbound refuses it, saying why", () => {
  let server: BuiltServer;
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "gitsync-e2e-work-"));
    server = await serveBuilt({ env: { GITSYNC_LOCAL_PUSH_CHECK: "off" } });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("keeps the findings on the log entry, the commit's check and the status until a push applies", async () => {
    const { checkout, bare } = await cloneDemo(server, work, "off");
    await writeFile(join(checkout, "syncs", "broken.yaml"), BROKEN_SYNC);
    git(checkout, ["add", "-A"]);
    git(checkout, ["commit", "-qm", "A broken sync"]);
    const sha = git(checkout, ["rev-parse", "HEAD"]);
    const landed = await push(checkout);
    expect(landed.ok).toBe(true);
    expect(git(work, ["--git-dir", bare, "rev-parse", "main"])).toBe(sha);
    expect(landed.output).toMatch(/remote: gitsync: tenant demo: refused, nothing applied: 1 validation error\(s\) \(sync log entry \d+\)/);
    expect(landed.output).toContain("remote: gitsync: syncs/broken.yaml:1:8: error missing-reference");

    const check = await callBuilt(server, "GET", `/api/v1/tenants/demo/commits/${sha}/check`);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ sha, verdict: "refused", diagnosticCount: 1 });
    const finding = { file: "syncs/broken.yaml", line: 1, column: 8, code: "missing-reference", severity: "error" };
    expect(check.body.diagnostics[0]).toMatchObject(finding);
    const entry = await callBuilt(server, "GET", `/api/v1/tenants/demo/log/${check.body.logId}`);
    expect(entry.body).toMatchObject({ direction: "INBOUND", status: "failed", commitSha: sha, diagnosticCount: 1 });
    expect(entry.body.diagnostics[0]).toMatchObject(finding);
    let status = (await callBuilt(server, "GET", "/api/v1/tenants/demo/status")).body;
    expect(status.lastPush).toMatchObject({ refused: true, commitSha: sha, diagnosticCount: 1 });
    expect(status.lastPush.diagnostics[0]).toMatchObject(finding);
    expect((await callBuilt(server, "GET", "/api/v1/tenants/demo/log/999999")).status).toBe(404);

    git(checkout, ["rm", "-q", "syncs/broken.yaml"]);
    git(checkout, ["commit", "-qm", "Remove the broken sync"]);
    const fixed = await push(checkout);
    expect(fixed.output).toMatch(/remote: gitsync: tenant demo: (applied 0 resources|nothing applied)/);
    status = (await callBuilt(server, "GET", "/api/v1/tenants/demo/status")).body;
    expect(status.lastPush).toMatchObject({ refused: false });
  });
});
