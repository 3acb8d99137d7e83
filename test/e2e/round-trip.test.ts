import { execFile } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/*
 * GET then PUT, PATCH and the token rule on the built server, driven over HTTP as curl would,
 * with the tenant's bare repository read by git itself.
 */

const exec = promisify(execFile);
const PATCH = { "content-type": "application/merge-patch+json" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A loopback HTTP server standing in for a forge: it records every request's headers and answers 404. */
async function fakeForge(): Promise<{ url: string; seen: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.writeHead(404, { "content-type": "application/json" }).end('{"message":"404 Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("round trips and PATCH on the built server", () => {
  let server: BuiltServer;
  const call = (method: string, path: string, options: Parameters<typeof callBuilt>[3] = {}) => callBuilt(server, method, `/api/v1/tenants/demo${path}`, options);
  const head = async () => (await exec("git", ["--git-dir", join(server.dataDir, "repos", "demo.git"), "rev-parse", "main"])).stdout.trim();

  /** The branch head once it has stopped moving (the demo's first commit is made after start). */
  async function settledHead(): Promise<string> {
    let last = "";
    for (let i = 0; i < 60; i++) {
      const now = await head().catch(() => "");
      if (now !== "" && now === last) return now;
      last = now;
      await sleep(1500);
    }
    throw new Error("the demo repository never settled");
  }

  beforeAll(async () => {
    server = await serveBuilt();
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("GET then PUT of the git connection, every connection and every resource changes nothing", async () => {
    const before = await settledHead();
    const git = await call("GET", "/git");
    const gitPut = await call("PUT", "/git", { body: git.body });
    expect(gitPut.status).toBe(200);
    expect(gitPut.body).toEqual(git.body);

    const connections = (await call("GET", "/connections")).body.items as { name: string }[];
    expect(connections.length).toBeGreaterThan(0);
    for (const { name } of connections) {
      const got = await call("GET", `/connections/${name}`);
      const put = await call("PUT", `/connections/${name}`, { body: got.body });
      expect(put.status, name).toBe(200);
      expect(put.body, name).toEqual(got.body);
    }

    for (const folder of ["models", "syncs", "jobs", "file-definitions", "cluster-definitions", "python-environments"]) {
      for (const { name } of (await call("GET", `/resources/${folder}`)).body.items as { name: string }[]) {
        const got = await call("GET", `/resources/${folder}/${name}`);
        const put = await call("PUT", `/resources/${folder}/${name}`, { body: got.body });
        expect(put.status, `${folder}/${name}`).toBe(200);
        expect(put.body, `${folder}/${name}`).toEqual(got.body);
        expect(put.headers.get("etag")).toBe(got.headers.get("etag"));
      }
    }
    // Past the debounce window: nothing changed, so nothing was committed.
    await sleep(3000);
    expect(await head()).toBe(before);
  }, 120_000);

  it("PATCH changes one field, honours If-Match, reaches git, and refuses other content types", async () => {
    const path = "/resources/models/accounts";
    const got = await call("GET", path);
    const etag = got.headers.get("etag")!;
    const wrongType = await call("PATCH", path, { body: { primaryKey: "account_uuid" } });
    expect(wrongType.status).toBe(415);
    const patched = await call("PATCH", path, { body: { primaryKey: "account_uuid" }, headers: { ...PATCH, "if-match": etag } });
    expect(patched.status).toBe(200);
    expect(patched.body.body).toEqual({ ...got.body.body, primaryKey: "account_uuid" });
    const stale = await call("PATCH", path, { body: { primaryKey: "other" }, headers: { ...PATCH, "if-match": etag } });
    expect(stale.status).toBe(412);
    expect((await call("GET", path)).body.body.primaryKey).toBe("account_uuid");

    let file = "";
    for (let i = 0; i < 40 && !file.includes("account_uuid"); i++) {
      await sleep(500);
      file = (await exec("git", ["--git-dir", join(server.dataDir, "repos", "demo.git"), "show", "main:models/accounts.yaml"])).stdout;
    }
    expect(file).toContain("primaryKey: account_uuid");

    const gitEtag = (await call("GET", "/git")).headers.get("etag")!;
    expect((await call("PATCH", "/git", { body: { debounceMs: 1500 }, headers: { ...PATCH, "if-match": gitEtag } })).body.debounceMs).toBe(1500);
    expect((await call("PATCH", "/git", { body: { debounceMs: 2000 }, headers: { ...PATCH, "if-match": gitEtag } })).status).toBe(412);
    expect((await call("PATCH", "/git", { body: { debounceMs: null }, headers: PATCH })).body.debounceMs).toBe(1000);
  }, 60_000);

  it("a token never follows a baseUrl change to a new host, on GitLab or GitHub", async () => {
    const secret = "glpat-e2e-do-not-leak-7Qx";
    const carries = (headers: IncomingHttpHeaders) => Object.values(headers).some((v) => String(v).includes(secret));
    for (const provider of ["gitlab", "github"]) {
      const first = await fakeForge();
      const second = await fakeForge();
      try {
        const put = await call("PUT", "/git", { body: { provider, repository: "group/project", baseUrl: first.url, token: secret } });
        expect(put.body.hasToken, provider).toBe(true);
        // The control: "Test connection" does send the token to the host it was given for.
        await call("POST", "/git/test");
        expect(first.seen.some(carries), provider).toBe(true);

        const moved = await call("PATCH", "/git", { body: { baseUrl: second.url }, headers: PATCH });
        expect(moved.status).toBe(200);
        expect(moved.body.hasToken, provider).toBe(false);
        const test = await call("POST", "/git/test");
        expect(test.status).toBe(200);
        expect(test.body.results[0]).toMatchObject({ check: "credentials", ok: false });
        expect(second.seen.filter(carries), provider).toEqual([]);
        expect(second.seen.filter((h) => h.authorization !== undefined || h["private-token"] !== undefined), provider).toEqual([]);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    }
    expect(server.output()).not.toContain(secret);
    await call("PUT", "/git", { body: { provider: "local", token: null } });
  }, 120_000);

  it("a connection moved to another host needs its credentials again", async () => {
    const name = "e2e-moving";
    await call("PUT", `/connections/${name}`, { body: { type: "postgres", host: "db.example.com", credentials: { password: "e2e-conn-pass" } } });
    const kept = await call("PATCH", `/connections/${name}`, { body: { database: "analytics" }, headers: PATCH });
    expect(kept.body.needsCredentials).toBe(false);
    const moved = await call("PATCH", `/connections/${name}`, { body: { host: "evil.example.net" }, headers: PATCH });
    expect(moved.body).toMatchObject({ host: "evil.example.net", needsCredentials: true });
  });
});
