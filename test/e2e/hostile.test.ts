import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtPackage, callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/*
 * One verdict on every path: each hostile file goes through the built `gitsync validate`, a real
 * `git push` to a built server's local tenant repository (refused by its pre-receive check), a local
 * pull request's check, a dry-run import of its branch, and the API (a PUT of the same content as
 * JSON bytes, where JSON can hold it). Every path must name the same rule code, and the server
 * must stay up and change nothing.
 */

const fixtures = join(import.meta.dirname, "..", "..", "fixtures", "hostile", "models");
const TENANT = "hostile";
const exec = promisify(execFile);

interface HostileCase {
  /** The file's base name: the resource name and its path under `models/`. */
  name: string;
  file: string;
  bytes: Buffer;
  code: string;
  /** The same content as a JSON request body, or why JSON cannot hold it. */
  api: Buffer | { cannot: string };
}

const fixture = (file: string): Buffer => readFileSync(join(fixtures, file));

/** The fixture models' fields as JSON text, with `extra` members appended verbatim. */
function modelJson(name: string, extra: string): string {
  return `{"name": "${name}", "source": "warehouse", "type": "raw_sql", "isSchema": false, "primaryKey": "id", ${extra}}`;
}

function nested(levels: number, open: string, close: string, inner: string): string {
  return open.repeat(levels) + inner + close.repeat(levels);
}

/** 10,000 nested objects: too large to keep as a fixture, and the depth that overflowed the stack. */
const deepJson = Buffer.from(modelJson("deep-json", `"rawSql": "select 1 as id", "tags": ${nested(10_000, '{"a": ', "}", "1")}`));

const CASES: HostileCase[] = [
  {
    name: "latin1",
    file: "latin1.yaml",
    bytes: fixture("latin1.yaml"),
    code: "encoding",
    api: Buffer.from(modelJson("latin1", `"rawSql": "select 'caf\xe9' as id"`), "latin1"),
  },
  {
    name: "utf16",
    file: "utf16.yaml",
    bytes: fixture("utf16.yaml"),
    code: "encoding",
    api: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(modelJson("utf16", `"rawSql": "select 1 as id"`), "utf16le")]),
  },
  {
    name: "surrogate",
    file: "surrogate.yaml",
    bytes: fixture("surrogate.yaml"),
    code: "encoding",
    api: Buffer.concat([Buffer.from(modelJson("surrogate", `"rawSql": "select '`).slice(0, -1)), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`' as id"}`)]),
  },
  {
    name: "nul-byte",
    file: "nul-byte.yaml",
    bytes: fixture("nul-byte.yaml"),
    code: "encoding",
    api: Buffer.from(modelJson("nul-byte", `"rawSql": "select 1\\u0000 as id"`)),
  },
  {
    name: "duplicate-key",
    file: "duplicate-key.json",
    bytes: fixture("duplicate-key.json"),
    code: "duplicate-key",
    api: fixture("duplicate-key.json"),
  },
  {
    name: "deep-yaml",
    file: "deep-yaml.yaml",
    bytes: fixture("deep-yaml.yaml"),
    code: "depth",
    api: Buffer.from(modelJson("deep-yaml", `"rawSql": "select 1 as id", "tags": ${nested(70, '{"level": ', "}", '"end"')}`)),
  },
  { name: "deep-json", file: "deep-json.json", bytes: deepJson, code: "depth", api: deepJson },
  {
    name: "two-documents",
    file: "two-documents.yaml",
    bytes: fixture("two-documents.yaml"),
    code: "multiple-documents",
    api: { cannot: "a JSON body is one value: it cannot hold a second document" },
  },
];

let server: BuiltServer;
let work: string;
let checkout: string;
/** Main as the tenant's first commit left it: every case's branch starts there. */
let base: string;
const verdicts: Record<string, Record<string, string>> = {};

const repo = () => join(server.dataDir, "repos", `${TENANT}.git`);
const git = (args: string[], cwd = checkout): string =>
  execFileSync("git", args, {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, GIT_AUTHOR_NAME: "Mallory", GIT_AUTHOR_EMAIL: "mallory@example.com", GIT_COMMITTER_NAME: "Mallory", GIT_COMMITTER_EMAIL: "mallory@example.com" },
  })
    .toString("utf8")
    .trim();
/**
 * Pushes without blocking this process: while a synchronous push ran, keep-alive sockets the
 * server closed went unnoticed and the next request on one failed.
 */
const push = async (branch: string): Promise<void> => {
  await exec("git", ["push", "-q", "origin", branch], { cwd: checkout });
};
const api = (method: string, path: string, options: Parameters<typeof callBuilt>[3] = {}) => callBuilt(server, method, `/api/v1/tenants/${TENANT}${path}`, options);

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    const found = await probe().catch((error: unknown) => {
      throw new Error(`${what}: ${String(error)}\n${server.output().slice(-4000)}`);
    });
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}\n${server.output().slice(-3000)}`);
}

/** Commits the case's file on `branch`, started from `from`; returns the commit. */
function commitCase(c: HostileCase, branch: string, from: string): string {
  git(["checkout", "-q", "-B", branch, from]);
  mkdirSync(join(checkout, "models"), { recursive: true });
  writeFileSync(join(checkout, "models", c.file), c.bytes);
  git(["add", "-A"]);
  git(["commit", "-qm", `Add ${c.file}`]);
  return git(["rev-parse", "HEAD"]);
}

async function viaValidate(c: HostileCase): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "gitsync-hostile-"));
  try {
    mkdirSync(join(dir, "models"));
    writeFileSync(join(dir, "models", c.file), c.bytes);
    const main = join(await builtPackage(), "dist", "src", "cli", "main.js");
    const run: { code?: number; stdout: string } = await exec(process.execPath, [main, "validate", dir, "--format", "json"]).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { errors: { file: string; code: string; severity: string }[] };
    return report.errors.filter((e) => e.severity === "error").map((e) => e.code);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The local repository's pre-receive check asks the server for inbound's verdict before the
 * push lands: git refuses it and prints the findings as `remote:` lines, and main stays put.
 */
async function viaPush(c: HostileCase): Promise<string> {
  git(["fetch", "-q", "origin"]);
  const before = git(["rev-parse", "origin/main"]);
  commitCase(c, "main", "origin/main");
  try {
    const refused: { code?: number; stderr: string } = await exec("git", ["push", "-q", "origin", "main"], { cwd: checkout }).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused.code).not.toBe(0);
    expect(git(["rev-parse", "main"], repo())).toBe(before);
    const line = refused.stderr.split("\n").find((l) => l.includes(`models/${c.file}:`));
    expect(line, refused.stderr).toBeDefined();
    return / error ([a-z-]+): /.exec(line!)?.[1] ?? line!;
  } finally {
    git(["checkout", "-q", "-B", "main", "origin/main"]);
  }
}

async function viaPullRequest(c: HostileCase, branch: string): Promise<string[]> {
  const opened = await api("POST", "/pulls", { body: { head: branch, title: `Hostile ${c.name}` } });
  expect(opened.status).toBe(201);
  const pull = await api("GET", `/pulls/${opened.body.pull.number}`);
  const check = (pull.body.checks as { conclusion: string; annotations: { path: string; code: string; severity: string }[] }[])[0]!;
  expect(check.conclusion).toBe("failure");
  return check.annotations.filter((a) => a.severity === "error").map((a) => a.code);
}

async function viaImport(branch: string): Promise<string[]> {
  const imported = await api("POST", "/imports", { body: { ref: branch, dryRun: true } });
  expect(imported.status).toBe(200);
  expect(imported.body.status).toBe("invalid");
  return (imported.body.diagnostics as { code: string }[]).map((d) => d.code);
}

async function viaApi(c: HostileCase): Promise<string> {
  if (!Buffer.isBuffer(c.api)) return `n/a (${c.api.cannot})`;
  const put = await api("PUT", `/resources/models/${c.name}`, { raw: c.api, headers: { "content-type": "application/json" } });
  expect(put.status).toBe(400);
  return (put.body.error.details.diagnostics as { code: string }[])[0]!.code;
}

describe("a hostile file gets one verdict on every path", () => {
  beforeAll(async () => {
    server = await serveBuilt({ env: { GITSYNC_DEMO: "false" } });
    work = await mkdtemp(join(tmpdir(), "gitsync-hostile-work-"));
    expect((await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug: TENANT, name: "Hostile" } })).status).toBe(201);
    expect((await api("POST", "/connections", { body: { name: "warehouse", type: "postgres" } })).status).toBe(201);
    const valid = { name: "orders", source: "warehouse", type: "table", dbtModel: null, tableName: "public.orders", isSchema: false, primaryKey: "id" };
    expect((await api("PUT", "/resources/models/orders", { body: valid })).status).toBe(201);
    // The tenant's creation made main; the writes above land in a later commit, after the
    // debounce. Every case starts from it, and the push check compares main with it.
    await until("the writes' commit", async () => {
      try {
        return git(["--git-dir", repo(), "ls-tree", "--name-only", "main", "--", "models/orders.yaml"], work) || undefined;
      } catch {
        return undefined;
      }
    });
    git(["clone", "-q", repo(), "checkout"], work);
    checkout = join(work, "checkout");
    base = git(["rev-parse", "origin/main"]);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
    const rows = Object.entries(verdicts).map(([name, v]) => `| ${name} | ${Object.values(v).join(" | ")} |`);
    console.log(["| case | validate | push | pull request | import | API |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n"));
  });

  it.each(CASES)("$name: every path says $code", async (c) => {
    const branch = `hostile/${c.name}`;
    commitCase(c, branch, base);
    await push(branch);
    const got = {
      validate: (await viaValidate(c)).join(","),
      pull: (await viaPullRequest(c, branch)).join(","),
      import: (await viaImport(branch)).join(","),
      api: await viaApi(c),
      push: await viaPush(c),
    };
    verdicts[c.name] = { validate: got.validate, push: got.push, pull: got.pull, import: got.import, api: got.api };
    expect({ validate: got.validate, push: got.push, pull: got.pull, import: got.import }).toEqual({
      validate: c.code,
      push: c.code,
      pull: c.code,
      import: c.code,
    });
    if (Buffer.isBuffer(c.api)) expect(got.api).toBe(c.code);
    // Nothing was applied, and the server is still up.
    expect((await api("GET", `/resources/models/${c.name}`)).status).toBe(404);
    expect((await callBuilt(server, "GET", "/healthz", { token: null })).status).toBe(200);
  }, 120_000);
});
