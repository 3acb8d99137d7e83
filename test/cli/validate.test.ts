import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/validate.js";

const root = join(import.meta.dirname, "..", "..");
const invalid = join(root, "fixtures", "configs", "invalid");
const valid = join(root, "fixtures", "configs", "valid");

async function cli(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
  });
  return { code, stdout, stderr };
}

function connectionsArgs(dir: string): string[] {
  const file = join(dir, "connections.json");
  return existsSync(file) ? ["--connections", file] : [];
}

describe("gitsync validate on the fixtures", () => {
  const cases = readdirSync(invalid).sort();

  it("has one case per rule", () => {
    expect(cases).toEqual(
      expect.arrayContaining([
        "syntax", "duplicate-key", "schema", "unknown-field", "name-mismatch", "bad-name", "duplicate-resource",
        "missing-reference", "dependency-cycle", "secret", "not-exported", "file-too-large", "encoding",
        "multiple-documents", "not-a-mapping", "forbidden-key", "alias-limit", "extension-format", "references-skipped",
      ]),
    );
  });

  for (const name of cases) {
    it(`prints exactly the expected diagnostics for ${name}`, async () => {
      const dir = join(invalid, name);
      const expected = readFileSync(join(dir, "expected.txt"), "utf8");
      const result = await cli([dir, ...connectionsArgs(dir)]);
      expect(result.stdout).toBe(expected);
      expect(expected.split("\n").some((l) => l.endsWith(name) || l.includes(` ${name}: `))).toBe(true);
      const hasError = expected.split("\n").some((l) => / error [a-z-]+: /.test(l));
      expect(result.code).toBe(hasError ? 1 : 0);
    });
  }

  it("accepts the valid tenant with its connections list, silently", async () => {
    const result = await cli([valid, ...connectionsArgs(valid)]);
    expect(result).toMatchObject({ code: 0, stdout: "" });
    expect(result.stderr).toBe("15 files checked: 0 errors, 0 warnings\n");
  });

  it("never prints a secret value", async () => {
    const secret = await cli([join(invalid, "secret")]);
    const notExported = await cli([join(invalid, "not-exported")]);
    expect(secret.stdout).not.toContain("dapi-0123456789abcdef");
    expect(notExported.stdout).not.toContain("hunter2");
  });
});

describe("gitsync validate on files as Hightouch and Loome write them", () => {
  const asWritten = join(root, "fixtures", "configs", "as-written");

  it.each(["hightouch", "loome"])("accepts the %s files, nulls included, silently", async (name) => {
    const dir = join(asWritten, name);
    const result = await cli([dir, ...connectionsArgs(dir)]);
    expect(result).toMatchObject({ code: 0, stdout: "" });
    expect(result.stderr).toBe("5 files checked: 0 errors, 0 warnings\n");
  });
});

describe("gitsync validate --connections", () => {
  const hightouch = join(root, "fixtures", "configs", "as-written", "hightouch");
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "gitsync-connections-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function written(name: string, data: unknown): string {
    const file = join(scratch, name);
    writeFileSync(file, JSON.stringify(data));
    return file;
  }

  it("reads the connections export, and checks references against its names", async () => {
    // The export as GET .../connections/export returns it, without the hubspot connection.
    const file = written("export.json", {
      connections: [
        { name: "warehouse", type: "snowflake", role: null, host: null, port: null, database: null, username: null },
        { name: "google-sheets", type: "google-sheets", role: null, host: null, port: null, database: null, username: null },
      ],
    });
    const result = await cli([hightouch, "--connections", file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      "syncs/accounts-to-hubspot.yaml:2:14: error missing-reference: connection 'hubspot' named by field 'destination' is not in the connections list\n",
    );
  });

  it("still reads a plain array of names or of objects with a name", async () => {
    expect((await cli([hightouch, "--connections", written("names.json", ["warehouse", "hubspot", "google-sheets"])])).code).toBe(0);
    const objects = written("objects.json", [{ name: "warehouse" }, { name: "hubspot" }, { name: "google-sheets" }]);
    expect((await cli([hightouch, "--connections", objects])).code).toBe(0);
  });

  it.each([
    [{ items: [] }, "expected the connections export"],
    [{ connections: [{ type: "snowflake" }] }, "connections[0] is neither a name nor an object with a 'name'"],
    [[42], "item 0 is neither a name"],
  ])("exits 2 naming the file and the problem for %j", async (data, message) => {
    const file = written("bad.json", data);
    const result = await cli([hightouch, "--connections", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--connections ${file}: `);
    expect(result.stderr).toContain(message);
  });
});

describe("gitsync validate --format json", () => {
  it("reports ok, the number of files and every diagnostic with file relative to dir", async () => {
    const result = await cli([join(invalid, "missing-reference"), "--format", "json", ...connectionsArgs(join(invalid, "missing-reference"))]);
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as { ok: boolean; files: number; errors: Record<string, unknown>[] };
    expect(out.ok).toBe(false);
    expect(out.files).toBe(2);
    expect(out.errors[0]).toEqual({
      file: "jobs/load.yaml",
      line: 5,
      column: 5,
      code: "missing-reference",
      severity: "error",
      message: "job 'extract' named by field 'dependsOn[0]' does not exist (no jobs/extract.yaml)",
    });
  });

  it("keeps ok true when there are only warnings", async () => {
    const result = await cli([valid, "--format", "json"]);
    const out = JSON.parse(result.stdout) as { ok: boolean; files: number; errors: { code: string }[] };
    expect(result.code).toBe(0);
    expect(out).toMatchObject({ ok: true, files: 15 });
    expect(out.errors.map((e) => e.code)).toEqual(["references-skipped"]);
  });
});

describe("gitsync validate usage errors", () => {
  it.each([
    [["--format", "xml", valid], "--format must be text or json"],
    [["--bogus", valid], "Unknown option '--bogus'"],
    [[join(valid, "does-not-exist")], "no such folder"],
    [[valid, valid], "one folder at most"],
    [[valid, "--connections", join(valid, "models", "orders.yaml")], "--connections"],
  ])("exits 2 for %j with a message on stderr", async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
  });

  it("exits 2 naming the file when an extra schema is malformed", async () => {
    const result = await cli([valid], { GITSYNC_SCHEMAS_DIR: join(root, "test", "catalog", "schemas", "malformed") });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("broken.schema.json");
  });
});

describe("the gitsync command as a child process", () => {
  const exec = promisify(execFile);
  const gitsync = (args: string[]) =>
    exec(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), "validate", ...args], { cwd: root }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("exits 0 when valid, 1 when invalid, 2 on a usage error", async () => {
    const [ok, bad, usage] = await Promise.all([
      gitsync(["fixtures/configs/valid", "--connections", "fixtures/configs/valid/connections.json"]),
      gitsync(["fixtures/configs/invalid/name-mismatch", "--connections", "fixtures/configs/invalid/name-mismatch/connections.json"]),
      gitsync(["--format"]),
    ]);
    expect(ok.code).toBe(0);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe(readFileSync(join(invalid, "name-mismatch", "expected.txt"), "utf8"));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: gitsync validate");
  });
});
