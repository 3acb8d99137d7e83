import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { readConfigTree, validateTree } from "../../src/validation/index.js";
import { RUNTIME_PACKAGES } from "../../src/cli/bundle.js";
import { builtPackage } from "../e2e/built-server.js";

/*
 * The command users run is the build: `dist/src/cli/main.js` bundled with what it loads, the
 * precompiled kind validators. These tests build it (as `npm run build` does, into a temporary
 * folder) and hold it to the source's results.
 */

const root = join(import.meta.dirname, "..", "..");
/** Enough files for the start-up to be a small share of the run, with a few broken ones. */
const TREE_FILES = 2_500;
let built: string;
const exec = promisify(execFile);
const invalid = join(root, "fixtures", "configs", "invalid");

async function command(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, [join(built, "dist", "src", "cli", "main.js"), "validate", ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

let tree: string;

beforeAll(async () => {
  built = await builtPackage();
  tree = mkdtempSync(join(tmpdir(), "gitsync-compiled-"));
  const count = TREE_FILES;
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
  it("is bundled with what it loads, from a few files, and loads the precompiled validators", () => {
    const cli = join(built, "dist", "src", "cli");
    const files = [join(cli, "main.js"), ...readdirSync(join(cli, "chunks")).filter((f) => f.endsWith(".js")).map((f) => join(cli, "chunks", f))];
    const code = files.map((file) => readFileSync(file, "utf8")).join("\n");
    const imported = new Set([...code.matchAll(/^import\s[^;]*?from\s*"([^"]+)";|^import\s*"([^"]+)";/gm)].map((m) => m[1] ?? m[2] ?? ""));
    const outside = [...imported].filter((spec) => !spec.startsWith("node:") && !spec.startsWith("./") && !RUNTIME_PACKAGES.includes(spec));
    // Only Node's modules, the bundle's own chunks and the packages kept for a reason.
    expect(outside).toEqual([]);
    expect(imported).toContain("better-sqlite3");
    expect(code).toContain("readPlainYaml");
    // A bundled ES module has no `__dirname`: a package needing one must stay in node_modules.
    expect(code).not.toMatch(/\b__(dirname|filename)\b/);
    expect(existsSync(join(built, "dist", "src", "catalog", "kinds.precompiled.cjs"))).toBe(true);
  });

  it.each(readdirSync(invalid).sort())("prints exactly the expected diagnostics for %s", async (name) => {
    const dir = join(invalid, name);
    const connections = join(dir, "connections.json");
    const result = await command([dir, ...(existsSync(connections) ? ["--connections", connections] : [])]);
    expect(result.stdout).toBe(readFileSync(join(dir, "expected.txt"), "utf8"));
  });

  it("gives the source's result on a large tree", async () => {
    const catalog = await Catalog.load();
    const expected = validateTree({ catalog, files: readConfigTree(tree, catalog), connections: ["warehouse"] });
    writeFileSync(join(tree, "..", "gitsync-compiled-connections.json"), JSON.stringify(["warehouse"]));
    const result = await command([tree, "--format", "json", "--connections", join(tree, "..", "gitsync-compiled-connections.json")]);
    const json = JSON.parse(result.stdout) as { ok: boolean; files: number; errors: unknown[] };
    expect(json.files).toBe(TREE_FILES + 1);
    expect(json.errors).toEqual(expected.diagnostics);
    // Not vacuous: the broken files are found, at their lines.
    const broken = (json.errors as { file: string; line: number; code: string }[]).filter((d) => d.file.startsWith("file-definitions/"));
    expect(broken.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual(
      [1007, 1507, 2007, 507, 7].map((i) => `file-definitions/file-${i}.yaml:6 schema`),
    );
    expect(result.code).toBe(1);
  });
});
