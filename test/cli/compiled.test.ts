import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { readConfigTree, validateTree } from "../../src/validation/index.js";
import { READER_THREAD_FILES } from "../../src/validation/read-tree.js";

/*
 * The command users run is the build: `dist/src/cli/validate.js` bundled with what it loads, the
 * precompiled kind validators, the reader thread's own module. These tests build it (the
 * command's part of `npm run build`) and hold it to the source's results.
 */

const root = join(import.meta.dirname, "..", "..");
const exec = promisify(execFile);
const invalid = join(root, "fixtures", "configs", "invalid");

async function command(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, [join(root, "dist", "src", "cli", "main.js"), "validate", ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

let tree: string;

beforeAll(async () => {
  const node = (args: string[]) => exec(process.execPath, args, { cwd: root });
  await node([join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"]);
  await node([join(root, "dist", "src", "catalog", "precompile.js")]);
  await node([join(root, "dist", "src", "cli", "bundle.js")]);

  // Large enough for the reader thread, with a few broken files among the clean ones.
  tree = mkdtempSync(join(tmpdir(), "gitsync-compiled-"));
  const count = READER_THREAD_FILES + 500;
  mkdirSync(join(tree, "file-definitions"));
  mkdirSync(join(tree, "models"));
  for (let i = 0; i < count; i++) {
    const broken = i % 500 === 7;
    writeFileSync(
      join(tree, "file-definitions", `file-${i}.yaml`),
      `name: file-${i}\ntype: csv\nfilePath: drops/${i}/*.csv\nextension: .csv\ndelimiter: ","\nhasHeader: ${broken ? "maybe" : "true"}\n`,
    );
  }
  writeFileSync(join(tree, "models", "orders.yaml"), "name: orders\nsource: warehouse\ntype: raw_sql\nrawSql: |\n  select 1\nisSchema: false\n");
}, 180_000);

afterAll(() => rmSync(tree, { recursive: true, force: true }));

describe("the built gitsync validate", () => {
  it("is one bundled module that loads the precompiled validators", () => {
    const bundle = readFileSync(join(root, "dist", "src", "cli", "validate.js"), "utf8");
    expect(bundle).toContain("readPlainYaml");
    expect(bundle).not.toMatch(/from "\.\.?\//);
    expect(existsSync(join(root, "dist", "src", "catalog", "kinds.precompiled.cjs"))).toBe(true);
    expect(existsSync(join(root, "dist", "src", "validation", "tree-reader-worker.js"))).toBe(true);
  });

  it.each(readdirSync(invalid).sort())("prints exactly the expected diagnostics for %s", async (name) => {
    const dir = join(invalid, name);
    const connections = join(dir, "connections.json");
    const result = await command([dir, ...(existsSync(connections) ? ["--connections", connections] : [])]);
    expect(result.stdout).toBe(readFileSync(join(dir, "expected.txt"), "utf8"));
  });

  it("gives the source's result on a tree large enough for the reader thread", async () => {
    const catalog = await Catalog.load();
    const expected = validateTree({ catalog, files: await readConfigTree(tree, catalog, { reader: null }), connections: ["warehouse"] });
    writeFileSync(join(tree, "..", "gitsync-compiled-connections.json"), JSON.stringify(["warehouse"]));
    const result = await command([tree, "--format", "json", "--connections", join(tree, "..", "gitsync-compiled-connections.json")]);
    const json = JSON.parse(result.stdout) as { ok: boolean; files: number; errors: unknown[] };
    expect(json.files).toBe(READER_THREAD_FILES + 501);
    expect(json.errors).toEqual(expected.diagnostics);
    // Not vacuous: the broken files are found, at their lines.
    const broken = (json.errors as { file: string; line: number; code: string }[]).filter((d) => d.file.startsWith("file-definitions/"));
    expect(broken.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual(
      [1007, 1507, 2007, 507, 7].map((i) => `file-definitions/file-${i}.yaml:6 schema`),
    );
    expect(result.code).toBe(1);
  });
});
