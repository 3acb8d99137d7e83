import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitAsAda } from "./git.js";
import { builtPackage, callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/*
 * Files as users write them, through the built product: Hightouch's model files (every field
 * present, nulls included) through `gitsync validate` with the connections export, the API and a
 * local pull request's check; and the commit messages outbound sync writes, read with git log.
 */

const root = join(import.meta.dirname, "..", "..");
const hightouch = join(root, "fixtures", "configs", "as-written", "hightouch");
const exec = promisify(execFile);
const tenant = "written";
const base = `/api/v1/tenants/${tenant}`;

let server: BuiltServer;
let work: string;

const git = gitAsAda;
const repo = () => join(server.dataDir, "repos", `${tenant}.git`);
const commits = (): number => Number(git(work, ["--git-dir", repo(), "rev-list", "--count", "main"]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for outbound sync to add a commit to the tenant's branch, and returns its message. */
async function nextCommit(before: number): Promise<string> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    const count = commits();
    if (count > before) return git(work, ["--git-dir", repo(), "log", "-1", "--format=%B", "main"]);
    await sleep(100);
  }
  throw new Error(`no commit after ${before}:\n${server.output()}`);
}

function fixture(path: string): Record<string, unknown> {
  return parse(readFileSync(join(hightouch, path), "utf8")) as Record<string, unknown>;
}

async function validateBuilt(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const main = join(await builtPackage(), "dist", "src", "cli", "main.js");
  return exec(process.execPath, [main, "validate", ...args], { cwd: root }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

beforeAll(async () => {
  server = await serveBuilt({ env: { GITSYNC_DEMO: "false" } });
  work = mkdtempSync(join(tmpdir(), "gitsync-e2e-written-"));
  expect((await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug: tenant, name: "As written" } })).status).toBe(201);
  // A longer window, so that edits made one after the other land in one commit on a busy machine.
  const { hasToken: _, ...connection } = (await callBuilt(server, "GET", `${base}/git`)).body;
  expect((await callBuilt(server, "PUT", `${base}/git`, { body: { ...connection, debounceMs: 2500 } })).status).toBe(200);
  for (const [name, type] of [["warehouse", "snowflake"], ["hubspot", "hubspot"], ["google-sheets", "google-sheets"]]) {
    expect((await callBuilt(server, "POST", `${base}/connections`, { body: { name, type, credentials: { key: "s3cret-value" } } })).status).toBe(201);
  }
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("files as users write them, through the built server", () => {
  it("validates the Hightouch files offline against the connections export the server gives", async () => {
    const exported = await callBuilt(server, "GET", `${base}/connections/export`);
    expect(exported.status).toBe(200);
    expect(exported.text).not.toContain("s3cret-value");
    const file = join(work, "connections.json");
    writeFileSync(file, exported.text);
    expect(await validateBuilt([hightouch, "--connections", file])).toMatchObject({ code: 0, stdout: "" });
    // Loome's JSON snapshots, optional fields written as null, with a plain list of names.
    const loome = join(root, "fixtures", "configs", "as-written", "loome");
    expect(await validateBuilt([loome, "--connections", join(loome, "connections.json")])).toMatchObject({ code: 0, stdout: "" });

    const broken = join(work, "broken");
    cpSync(hightouch, broken, { recursive: true });
    writeFileSync(join(broken, "models", "accounts.yaml"), readFileSync(join(hightouch, "models", "accounts.yaml"), "utf8").replace("rawSql: null", "rawSql: select 1"));
    const result = await validateBuilt([broken, "--connections", file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("models/accounts.yaml:5:9: error schema: field 'rawSql' must be null when type is table\n");
  }, 300_000);

  it("takes the Hightouch model bodies through the API, refuses one problem with one diagnostic, and commits what happened", async () => {
    // A new tenant's repository starts with a first commit of its (here empty) content.
    let before = commits();
    expect(before).toBe(1);
    const accounts = fixture("models/accounts.yaml");
    expect((await callBuilt(server, "PUT", `${base}/resources/models/accounts`, { body: accounts })).status).toBe(201);
    expect(await nextCommit(before)).toBe(`Create model accounts\n\n- Create model accounts\n\nGitsync-Tenant: ${tenant}`);
    expect(git(work, ["--git-dir", repo(), "show", "main:models/accounts.yaml"])).toContain("rawSql: null");

    const refused = await callBuilt(server, "PUT", `${base}/resources/models/accounts`, { body: { ...accounts, rawSql: "select 1" } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.diagnostics.map((d: { message: string }) => d.message)).toEqual(["field 'rawSql' must be null when type is table"]);
    const empty = await callBuilt(server, "PUT", `${base}/resources/models/active-users`, { body: { ...fixture("models/active-users.yaml"), rawSql: "" } });
    expect(empty.body.error.details.diagnostics.map((d: { message: string }) => d.message)).toEqual(["field 'rawSql' must not be empty when type is raw_sql"]);

    before = commits();
    for (const name of ["active-users", "revenue"]) {
      expect((await callBuilt(server, "PUT", `${base}/resources/models/${name}`, { body: fixture(`models/${name}.yaml`) })).status).toBe(201);
    }
    expect((await callBuilt(server, "PUT", `${base}/resources/models/accounts`, { body: { ...accounts, primaryKey: "id" } })).status).toBe(200);
    expect(await nextCommit(before)).toBe(
      `Update 3 resources (2 created, 1 updated)\n\n- Create model active-users\n- Create model revenue\n- Update model accounts\n\nGitsync-Tenant: ${tenant}`,
    );

    before = commits();
    expect((await callBuilt(server, "DELETE", `${base}/resources/models/revenue`)).status).toBe(204);
    expect(await nextCommit(before)).toBe(`Delete model revenue\n\n- Delete model revenue\n\nGitsync-Tenant: ${tenant}`);
  }, 120_000);

  it("passes a local pull request holding the Hightouch files exactly as written, and fails one problem once", async () => {
    const checkout = join(work, "checkout");
    git(work, ["clone", "-q", repo(), checkout]);
    git(checkout, ["checkout", "-q", "-b", "as-written"]);
    for (const folder of ["models", "syncs"]) {
      for (const file of readdirSync(join(hightouch, folder))) cpSync(join(hightouch, folder, file), join(checkout, folder, file));
    }
    git(checkout, ["add", "-A"]);
    git(checkout, ["commit", "-qm", "Hightouch's files"]);
    git(checkout, ["push", "-q", "origin", "as-written"]);
    const good = await pullCheck("as-written");
    expect(good).toMatchObject({ conclusion: "success", annotations: [] });
    expect(good.summary).toContain("| create | sync | `accounts-to-hubspot` |");

    git(checkout, ["checkout", "-q", "-b", "sql-on-a-table"]);
    const path = join(checkout, "models", "accounts.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace("rawSql: null", "rawSql: select 1"));
    git(checkout, ["commit", "-qam", "SQL on a table model"]);
    git(checkout, ["push", "-q", "origin", "sql-on-a-table"]);
    const bad = await pullCheck("sql-on-a-table");
    expect(bad.conclusion).toBe("failure");
    expect(bad.annotations.map((a: { path: string; line: number; message: string }) => `${a.path}:${a.line} ${a.message}`)).toEqual([
      "models/accounts.yaml:5 field 'rawSql' must be null when type is table",
    ]);
  }, 120_000);
});

async function pullCheck(head: string): Promise<{ conclusion: string; summary: string; annotations: any[] }> {
  const opened = await callBuilt(server, "POST", `${base}/pulls`, { body: { head } });
  expect(opened.status).toBe(201);
  for (let waited = 0; waited < 30_000; waited += 200) {
    const detail = await callBuilt(server, "GET", `${base}/pulls/${opened.body.pull.number}`);
    const [check] = detail.body.checks;
    if (check?.status === "completed") return check;
    await sleep(200);
  }
  throw new Error(`no completed check on ${head}:\n${server.output()}`);
}
