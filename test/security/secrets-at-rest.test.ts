import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import type { JsonObject } from "../../src/core/types.js";
import { keyId } from "../../src/store/index.js";
import { callBuilt, E2E_SECRET_KEY, serveBuilt, type BuiltServer } from "../e2e/built-server.js";
import { postgresBackend } from "../store/backends.js";
import { scanPostgres, scanSqlite } from "./scan.js";

/*
 * The attacker here holds a copy of the database (a backup, a stolen disk, a read-only SQL
 * login): every secret a user wrote through the API must be absent from it in plaintext, for
 * every kind whose schema marks a field secret, built-in or extra.
 */

const schemasDir = join(import.meta.dirname, "schemas");
const beforeDir = join(import.meta.dirname, "schemas-before");
const catalog = await Catalog.load({ extraDir: schemasDir });

/** A valid body per kind with secret fields, holding `secret(i)` in each of them. */
const samples: Record<string, (secret: (i: number) => string) => JsonObject> = {
  "cluster-definition": (s) => ({ name: "spark", type: "databricks", configuration: { workers: 4, accessToken: s(1) } }),
  vault: (s) => ({
    name: "main",
    apiKey: s(2),
    endpoints: [{ url: "https://a.example", password: s(3) }, { url: "https://b.example", password: s(4) }],
    auth: { user: s(5), pin: s(6) },
  }),
};

const freshSecret = (): ((i: number) => string) => {
  const tag = randomBytes(8).toString("hex");
  return (i) => `plain-secret-${tag}-${i}`;
};

async function ok(server: BuiltServer, method: string, path: string, body?: unknown): Promise<any> {
  const answer = await callBuilt(server, method, path, body === undefined ? {} : { body });
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
  return answer.body;
}

/** Writes a secret into every place the API takes one; returns every secret written. */
async function writeEverySecret(server: BuiltServer): Promise<string[]> {
  const secret = freshSecret();
  await ok(server, "POST", "/api/v1/tenants", { slug: "sec", name: "Secrets" });
  for (const kind of catalog.kinds().filter((k) => k.exported && k.secrets.length > 0)) {
    const body = samples[kind.id]!(secret);
    const saved = await ok(server, "PUT", `/api/v1/tenants/sec/resources/${kind.folder}/${body.name as string}`, body);
    const read = await callBuilt(server, "GET", `/api/v1/tenants/sec/resources/${kind.folder}/${body.name as string}`);
    // Write-only: neither the write's answer nor a read gives a secret back.
    expect(JSON.stringify(saved) + read.text).not.toContain("plain-secret-");
  }
  await ok(server, "POST", "/api/v1/tenants/sec/connections", { name: "warehouse", type: "postgres", credentials: { password: secret(7) } });
  await ok(server, "POST", "/api/v1/tenants", { slug: "gitsec", name: "Git token" });
  await ok(server, "PUT", "/api/v1/tenants/gitsec/git", {
    provider: "github", repository: "acme/config", branch: "main", path: "", format: "yaml",
    outbound: "direct", debounceMs: 1000, deletions: "archive", baseUrl: null, token: secret(8),
  });
  return [1, 2, 3, 4, 5, 6, 7, 8].map(secret);
}

/** The repository's history with patches, once the outbound commit holding `expected` is there. */
async function gitHistory(gitDir: string, expected: string): Promise<string> {
  let history = "";
  for (let waited = 0; waited < 20_000 && !history.includes(expected); waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    try {
      history = execFileSync("git", ["--git-dir", gitDir, "log", "-p", "--all"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch {
      history = "";
    }
  }
  expect(history).toContain(expected);
  return history;
}

describe("secrets at rest, against the built server", () => {
  const dirs: string[] = [];
  const newDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), "gitsync-secrets-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("every kind with a secret field has a sample here (a new one must be added to this test)", () => {
    expect(catalog.kinds().filter((k) => k.exported && k.secrets.length > 0).map((k) => k.id).sort()).toEqual(Object.keys(samples).sort());
  });

  it("SQLite: no secret in the .db, -wal or -shm files, in git or in the log", async () => {
    const dataDir = newDir();
    const server = await serveBuilt({ dataDir, env: { GITSYNC_SCHEMAS_DIR: schemasDir } });
    let needles: string[] = [];
    try {
      needles = await writeEverySecret(server);
      const history = await gitHistory(join(dataDir, "repos", "sec.git"), "spark");
      const running = scanSqlite(dataDir, needles);
      expect(running.files.length).toBeGreaterThanOrEqual(2);
      expect(running.findings).toEqual([]);
      for (const needle of needles) expect(history).not.toContain(needle);
    } finally {
      await server.stop();
    }
    expect(scanSqlite(dataDir, needles).findings).toEqual([]);
    for (const needle of needles) expect(server.output()).not.toContain(needle);
  }, 300_000);

  it("SQLite: a field an extra kind marks secret later is sealed at the next start, and keys rotate", async () => {
    const dataDir = newDir();
    const secret = freshSecret();
    const body = samples.vault!(secret);
    const needles = [2, 3, 4, 5, 6].map(secret);
    const before = await serveBuilt({ dataDir, env: { GITSYNC_SCHEMAS_DIR: beforeDir } });
    await ok(before, "POST", "/api/v1/tenants", { slug: "sec", name: "Secrets" });
    await ok(before, "PUT", "/api/v1/tenants/sec/resources/vaults/main", body);
    await before.stop();
    // The scanner sees plaintext when it is there: this is what an older schema left behind.
    expect(scanSqlite(dataDir, needles).findings.length).toBeGreaterThan(0);

    const sealed = await serveBuilt({ dataDir, env: { GITSYNC_SCHEMAS_DIR: schemasDir } });
    await sealed.stop();
    expect(sealed.output()).toMatch(/sealed \d+ stored secret\(s\) with the current key/);
    expect(scanSqlite(dataDir, needles).findings).toEqual([]);

    const newKey = randomBytes(32).toString("hex");
    const rotating = await serveBuilt({ dataDir, env: { GITSYNC_SCHEMAS_DIR: schemasDir, GITSYNC_SECRET_KEY: newKey, GITSYNC_SECRET_KEY_PREVIOUS: E2E_SECRET_KEY } });
    await rotating.stop();
    const file = readFileSync(join(dataDir, "gitsync.db"));
    expect(file.includes(keyId(Buffer.from(newKey, "hex")))).toBe(true);
    expect(file.includes(keyId(Buffer.from(E2E_SECRET_KEY, "hex")))).toBe(false);

    const after = await serveBuilt({ dataDir, env: { GITSYNC_SCHEMAS_DIR: schemasDir, GITSYNC_SECRET_KEY: newKey } });
    try {
      expect((await callBuilt(after, "GET", "/api/v1/tenants/sec/resources/vaults/main")).status).toBe(200);
      // The same body again is no change: the stored secrets opened with the new key alone.
      const again = await callBuilt(after, "PUT", "/api/v1/tenants/sec/resources/vaults/main", { body });
      expect(again.headers.get("etag")).toBe('"1"');
      expect(after.output()).not.toMatch(/could not be opened/);
    } finally {
      await after.stop();
    }
  }, 300_000);

  const pgUrl = process.env.GITSYNC_TEST_DATABASE_URL;
  it.skipIf(!pgUrl)("PostgreSQL: no secret in any text or bytea column, nor in the database's files and WAL", async () => {
    const backend = postgresBackend(pgUrl);
    const { databaseUrl, dataDir } = await backend.setup();
    const server = await serveBuilt({ dataDir, env: { GITSYNC_SCHEMAS_DIR: schemasDir, DATABASE_URL: databaseUrl! } });
    try {
      const needles = await writeEverySecret(server);
      const scan = await scanPostgres(databaseUrl!, needles);
      expect(scan.columns).toBeGreaterThan(10);
      expect(scan.findings).toEqual([]);
      if (scan.files === 0) console.warn("secrets at rest: PostgreSQL's data folder is not readable here; scanned through SQL only");
      for (const needle of needles) expect(server.output()).not.toContain(needle);
    } finally {
      await server.stop();
      await backend.teardown();
    }
  }, 300_000);
});
