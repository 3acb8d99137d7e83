import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtPackage, callBuilt, serveBuilt, type BuiltServer } from "../e2e/built-server.js";

/*
 * The attacker holds a valid token for one tenant and tries the others: an editor of `dev`
 * goes after `prod`, a viewer of `prod` tries to change it. A tenant the token cannot read is
 * a 404 (indistinguishable from one that does not exist), one it can read but not write a 403,
 * and nothing in `prod` changes.
 */

const exec = promisify(execFile);
const cluster = (workers: number) => ({ name: "spark", type: "databricks", configuration: { workers } });

describe("tokens scoped to tenants, against the built server", () => {
  let server: BuiltServer;
  let devEditor: string;
  let prodViewer: string;
  let prodBefore: { etag: string | null; text: string };

  const as = (token: string, method: string, path: string, body?: unknown) =>
    callBuilt(server, method, path, { token, ...(body === undefined ? {} : { body }) });
  const mint = async (label: string, request: object): Promise<string> => {
    const created = await callBuilt(server, "POST", "/api/v1/tokens", { body: { label, ...request } });
    expect(created.status, created.text).toBe(201);
    return created.body.secret as string;
  };
  const commits = async (tenant: string): Promise<string> =>
    (await exec("git", ["--git-dir", join(server.dataDir, "repos", `${tenant}.git`), "log", "--format=%H", "--all"])).stdout;

  beforeAll(async () => {
    server = await serveBuilt({ env: { GITSYNC_DEMO: "false" } });
    for (const slug of ["dev", "prod"]) {
      expect((await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug, name: slug } })).status).toBe(201);
      expect((await callBuilt(server, "PUT", `/api/v1/tenants/${slug}/resources/cluster-definitions/spark`, { body: cluster(2) })).status).toBe(201);
      // Committed now, so no debounced commit can land while the attacks run.
      expect((await callBuilt(server, "POST", `/api/v1/tenants/${slug}/sync`)).status).toBe(200);
    }
    devEditor = await mint("dev editor", { tenants: { dev: "editor" }, user: { name: "Dev", email: "dev@example.com" } });
    prodViewer = await mint("prod viewer", { tenants: { prod: "viewer" }, user: { name: "Auditor", email: "audit@example.com" } });
    const read = await callBuilt(server, "GET", "/api/v1/tenants/prod/resources/cluster-definitions/spark");
    prodBefore = { etag: read.headers.get("etag"), text: read.text };
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("an editor of dev cannot read, write or delete in prod: 404, the same as a tenant that does not exist", async () => {
    const attempts: [string, string, unknown?][] = [
      ["GET", "/resources/cluster-definitions"],
      ["GET", "/resources/cluster-definitions/spark"],
      ["PUT", "/resources/cluster-definitions/spark", cluster(99)],
      ["DELETE", "/resources/cluster-definitions/spark"],
      ["POST", "/connections", { name: "stolen", type: "postgres", credentials: { password: "x" } }],
      ["GET", "/git"],
      ["GET", "/log"],
      ["POST", "/snapshots", {}],
    ];
    for (const [method, suffix, body] of attempts) {
      const prod = await as(devEditor, method, `/api/v1/tenants/prod${suffix}`, body);
      const none = await as(devEditor, method, `/api/v1/tenants/nope${suffix}`, body);
      expect(prod.status, `${method} prod${suffix}`).toBe(404);
      expect(prod.body.error.message).toBe("no tenant prod");
      expect(none.body.error.message).toBe("no tenant nope");
    }
    // Nor through another tenant: even dev's admin may not import (read) prod's repository into dev.
    const devAdmin = await mint("dev admin", { tenants: { dev: "admin" } });
    const imported = await as(devAdmin, "POST", "/api/v1/tenants/dev/imports", { ref: "main", source: "prod", dryRun: true });
    expect(imported.status).toBe(404);
    expect(imported.body.error.message).toBe("no tenant prod");
  });

  it("the editor of dev works in dev, sees only dev, and cannot reach server settings", async () => {
    expect((await as(devEditor, "PUT", "/api/v1/tenants/dev/resources/cluster-definitions/spark", cluster(3))).status).toBe(200);
    const list = await as(devEditor, "GET", "/api/v1/tenants");
    expect(list.body.items.map((t: { slug: string; role: string }) => [t.slug, t.role])).toEqual([["dev", "editor"]]);
    expect((await as(devEditor, "POST", "/api/v1/tenants", { slug: "mine", name: "Mine" })).status).toBe(403);
    expect((await as(devEditor, "GET", "/api/v1/tokens")).status).toBe(403);
    expect((await as(devEditor, "POST", "/api/v1/tokens", { label: "escalate", admin: true })).status).toBe(403);
    const me = await as(devEditor, "GET", "/api/v1/me");
    expect(me.body).toMatchObject({ admin: false, token: { serverWide: false, tenants: { dev: "editor" } } });
  });

  it("a viewer of prod reads prod and is refused every write with 403", async () => {
    expect((await as(prodViewer, "GET", "/api/v1/tenants/prod/resources/cluster-definitions/spark")).status).toBe(200);
    for (const [method, suffix, body] of [
      ["PUT", "/resources/cluster-definitions/spark", cluster(7)],
      ["DELETE", "/resources/cluster-definitions/spark", undefined],
      ["POST", "/connections", { name: "x", type: "postgres" }],
      ["POST", "/sync", {}],
      ["PUT", "/git", { provider: "local" }],
    ] as const) {
      const answer = await as(prodViewer, method, `/api/v1/tenants/prod${suffix}`, body);
      expect(answer.status, `${method} ${suffix}`).toBe(403);
      expect(answer.body.error.message).toMatch(/in tenant prod; the token has viewer there/);
    }
    expect((await as(prodViewer, "GET", "/api/v1/tenants/dev/resources/cluster-definitions")).status).toBe(404);
  });

  it("nothing in prod changed", async () => {
    const commitsBefore = await commits("prod");
    const read = await callBuilt(server, "GET", "/api/v1/tenants/prod/resources/cluster-definitions/spark");
    expect({ etag: read.headers.get("etag"), text: read.text }).toEqual(prodBefore);
    expect((await callBuilt(server, "GET", "/api/v1/tenants/prod/connections")).body.items).toEqual([]);
    expect(await commits("prod")).toBe(commitsBefore);
  });

  it("the command line says why: a tenant it cannot read, a grant it lacks", async () => {
    const cli = join(await builtPackage(), "dist", "src", "cli", "main.js");
    const run = (token: string, args: string[]) =>
      exec(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? "", GITSYNC_URL: server.url, GITSYNC_TOKEN: token } }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
    const unreadable = await run(devEditor, ["status", "--tenant", "prod"]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(/no tenant prod .*HTTP 404/);
    expect(unreadable.stderr).toMatch(/does not exist, or this token cannot read it/);
    const readOnly = await run(prodViewer, ["sync", "--tenant", "prod"]);
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toMatch(/the token is viewer in tenant prod, and this needs editor there/);
  });

  it("the first admin's token, from before grants existed, still reaches every tenant", async () => {
    const list = await callBuilt(server, "GET", "/api/v1/tenants");
    expect(list.body.items.map((t: { slug: string; role: string }) => [t.slug, t.role])).toEqual([["dev", "admin"], ["prod", "admin"]]);
    expect((await callBuilt(server, "GET", "/api/v1/me")).body).toMatchObject({ admin: true, token: { serverWide: true } });
  });
});
