import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareDataDir, readableByOthers } from "../../src/server/data-dir.js";
import { callBuilt, serveBuilt, type BuiltServer } from "../e2e/built-server.js";

/*
 * Another user of the machine looks into the data folder for the database (tokens, encrypted
 * credentials) and the key files. A folder gitsync makes is closed to them; an existing one
 * that is open is named at start, and left as the operator made it.
 */

const mode = (path: string) => statSync(path).mode & 0o777;

describe("data folder modes", () => {
  let parent: string;
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), "gitsync-sec-modes-"));
  });
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it("creates a missing data folder 0700 whatever the umask", () => {
    const old = process.umask(0o000);
    try {
      const dir = join(parent, "made", "data");
      const warnings: string[] = [];
      prepareDataDir(dir, (message) => warnings.push(message));
      expect(mode(dir)).toBe(0o700);
      expect(warnings).toEqual([]);
    } finally {
      process.umask(old);
    }
  });

  it("names what others can read, only where they can reach it", () => {
    const dir = join(parent, "open");
    mkdirSync(join(dir, "closed"), { recursive: true });
    writeFileSync(join(dir, "gitsync.db"), "");
    writeFileSync(join(dir, "closed", "hidden"), "");
    chmodSync(dir, 0o755);
    chmodSync(join(dir, "gitsync.db"), 0o644);
    chmodSync(join(dir, "closed"), 0o700);
    chmodSync(join(dir, "closed", "hidden"), 0o644);
    expect(readableByOthers(dir)).toEqual([dir, join(dir, "gitsync.db")]);
  });
});

describe("data folder modes of the built server", () => {
  let parent: string;
  let dataDir: string;
  let server: BuiltServer | null = null;
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), "gitsync-sec-modes-"));
    dataDir = join(parent, "data");
  });
  afterAll(async () => {
    await server?.stop();
    await rm(parent, { recursive: true, force: true });
  });

  it("creates the data folder 0700 and the database and key files 0600, with no warning", async () => {
    server = await serveBuilt({ dataDir, env: { GITSYNC_SECRET_KEY: "" } });
    // A first write makes the local repository and the database's write-ahead log.
    expect((await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug: "modes", name: "Modes" } })).status).toBe(201);
    expect(mode(dataDir)).toBe(0o700);
    for (const file of ["gitsync.db", "gitsync.db-wal", "gitsync.db-shm", "secret.key", "local-webhook.secret"]) {
      if (existsSync(join(dataDir, file)) || file === "gitsync.db") expect(mode(join(dataDir, file)), file).toBe(0o600);
    }
    expect(server.output()).not.toContain("can be read by other users");
    await server.stop();
    server = null;
  }, 300_000);

  it("names an opened database at the next start and changes nothing", async () => {
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, "gitsync.db"), 0o644);
    server = await serveBuilt({ dataDir });
    expect(server.output()).toContain(`${join(dataDir, "gitsync.db")} can be read by other users of this machine (mode 0644)`);
    expect(server.output()).toContain(`${dataDir} can be read by other users`);
    expect(mode(join(dataDir, "gitsync.db"))).toBe(0o644);
    expect((await callBuilt(server, "GET", "/api/v1/tenants/modes/resources/models")).status).toBe(200);
  }, 120_000);
});
