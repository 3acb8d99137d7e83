import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/** A repository usable at once: the demo tenant's and a new tenant's, cloned as a user would. */

function git(args: string[], cwd?: string): string {
  return execFileSync("git", args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }).toString("utf8").trim();
}

describe("gitsync serve: repositories that can be cloned at once", () => {
  let server: BuiltServer;
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "gitsync-e2e-clone-"));
    server = await serveBuilt();
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("has the demo tenant's first commit as soon as /healthz answers 200", async () => {
    expect((await callBuilt(server, "GET", "/healthz", { token: null })).status).toBe(200);
    const demo = join(server.dataDir, "repos", "demo.git");
    const files = git(["--git-dir", demo, "ls-tree", "-r", "--name-only", "main"]).split("\n");
    expect(files).toEqual(expect.arrayContaining(["models/accounts.yaml", "syncs/customers-to-crm.yaml", "jobs/load-orders.yaml"]));
    expect(git(["--git-dir", demo, "log", "--format=%s%n%b", "main"])).toContain("Gitsync-Tenant: demo");
    // The commit was made before the server said it listens, which is when /healthz turns 200.
    const output = server.output();
    expect(output.indexOf("first commit")).toBeGreaterThan(-1);
    expect(output.indexOf("first commit")).toBeLessThan(output.indexOf("gitsync listening"));
  });

  it("creates a new tenant's repository with a first commit: git clone works right after the 201", async () => {
    const created = await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug: "acme", name: "Acme" } });
    expect(created.status).toBe(201);
    const checkout = join(work, "acme");
    git(["clone", "-q", join(server.dataDir, "repos", "acme.git"), checkout]);
    expect(git(["rev-parse", "--abbrev-ref", "HEAD"], checkout)).toBe("main");
    expect(git(["rev-list", "--count", "HEAD"], checkout)).toBe("1");
    expect(git(["log", "-1", "--format=%an <%ae>%n%B"], checkout)).toMatch(/^gitsync <[^>]+>\n[\s\S]*Gitsync-Tenant: acme/);
    expect(existsSync(join(checkout, "README.md"))).toBe(true);
    expect(readFileSync(join(checkout, "README.md"), "utf8")).toContain("acme");

    // Nothing is waiting: the first commit is the tenant, and the status says so.
    const status = await callBuilt(server, "GET", "/api/v1/tenants/acme/status");
    expect(status.status).toBe(200);
    expect(JSON.stringify(status.body)).toContain(git(["rev-parse", "HEAD"], checkout));
  });
});
