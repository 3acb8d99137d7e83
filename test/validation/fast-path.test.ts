import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { runValidation, type ConfigFile } from "../../src/validation/engine.js";
import { parseFast } from "../../src/validation/fast-parse.js";
import { readConfigTree } from "../../src/validation/index.js";
import { parseConfigFile } from "../../src/validation/parse.js";

const fixtures = join(import.meta.dirname, "..", "..", "fixtures", "configs");
let catalog: Catalog;
beforeAll(async () => {
  catalog = await Catalog.load();
});

/** Both paths over the same files: every diagnostic and every parsed body must be identical. */
function bothPaths(files: readonly ConfigFile[], connections: string[] | null) {
  const input = { catalog, basePath: "", files, deleted: [], current: [], connections };
  const fast = runValidation(input);
  const full = runValidation({ ...input, fastPath: false });
  return { fast, full };
}

function connectionsOf(dir: string): string[] | null {
  const file = join(dir, "connections.json");
  if (!existsSync(file)) return null;
  // A plain list of names, or the connections export as the API returns it.
  const data = JSON.parse(readFileSync(file, "utf8")) as string[] | { connections: { name: string }[] };
  return Array.isArray(data) ? data : data.connections.map((c) => c.name);
}

describe("the fast path gives exactly what the yaml path gives", () => {
  const dirs = [
    join(fixtures, "valid"),
    ...["invalid", "as-written"].flatMap((group) => readdirSync(join(fixtures, group)).map((d) => join(fixtures, group, d))),
  ];
  it.each(dirs)("on the fixtures in %s", (dir) => {
    const files = readConfigTree(dir, catalog);
    const { fast, full } = bothPaths(files, connectionsOf(dir));
    expect(fast).toStrictEqual(full);
    expect(full.files).toBeGreaterThan(0);
  });

  it("on generated files, valid and broken in many ways, in LF and CRLF", () => {
    const files = generatedFiles(400);
    const { fast, full } = bothPaths(files, ["warehouse", "crm", "erp", "lake", "hubspot"]);
    expect(fast).toStrictEqual(full);
    // Not vacuous: the corpus holds both clean files and every kind of problem.
    expect(full.resources.length).toBeGreaterThan(200);
    expect(new Set(full.diagnostics.map((d) => d.code))).toEqual(
      new Set(["schema", "unknown-field", "duplicate-key", "name-mismatch", "secret", "syntax", "forbidden-key", "missing-reference", "extension-format"]),
    );
  });

  it("on hard YAML and JSON: where the fast path answers, the value is the yaml path's and it has no diagnostic", () => {
    let answered = 0;
    for (const [text, format] of TRICKY) {
      const fast = parseFast(text, format);
      if (fast === null) continue;
      answered++;
      const full = parseConfigFile("f", text, format);
      expect({ text, diagnostics: full.diagnostics, value: full.value }).toStrictEqual({ text, diagnostics: [], value: fast });
    }
    expect(answered).toBeGreaterThan(25);
  });

  it("declines what it cannot prove the same: anchors, tags, flow collections, duplicate keys, documents", () => {
    for (const text of ["a: &x 1\nb: *x\n", "a: !!str 1\n", "a: [1, 2]\n", "a: 1\na: 2\n", "a: 1\n---\nb: 2\n", "null: 1\n", "a:\n\t- b\n"]) {
      expect(parseFast(text, "yaml")).toBeNull();
    }
    expect(parseFast('{"a": 1, "a": 2}', "json")).toBeNull();
    expect(parseFast('{"a": 1}', "yaml")).toBeNull();
  });
});

describe("readConfigTree", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gitsync-tree-"));
    for (const file of generatedFiles(160)) {
      mkdirSync(join(dir, file.path, ".."), { recursive: true });
      writeFileSync(join(dir, file.path), file.content);
    }
    // Bytes that are not UTF-8 and a file over the size limit come back as bytes, for validation to report.
    writeFileSync(join(dir, "models", "latin1.yaml"), Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    writeFileSync(join(dir, "models", "huge.yaml"), `name: huge\nrawSql: "${"x".repeat(1024 * 1024)}"\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads text as text and odd files as bytes, and both paths validate them to the same result", () => {
    const files = readConfigTree(dir, catalog);
    expect(files.filter((f) => typeof f.content !== "string").map((f) => f.path).sort()).toEqual(["models/huge.yaml", "models/latin1.yaml"]);
    const { fast, full } = bothPaths(files, ["warehouse", "crm", "erp", "lake", "hubspot"]);
    expect(fast).toStrictEqual(full);
    expect(full.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(["encoding", "file-too-large"]));
    // Without `resources`, the same diagnostics.
    const lean = runValidation({ catalog, basePath: "", files, deleted: [], current: [], connections: ["warehouse", "crm", "erp", "lake", "hubspot"], resources: false });
    expect(lean.diagnostics).toStrictEqual(full.diagnostics);
    expect(lean.resources).toEqual([]);
    expect(full.resources.length).toBeGreaterThan(60);
  });
});

/** A deterministic pseudo-random sequence, so failures reproduce. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const FOLDERS = ["models", "syncs", "jobs", "file-definitions", "cluster-definitions", "python-environments"];

function generatedFiles(count: number): ConfigFile[] {
  const random = prng(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const files: ConfigFile[] = [];
  for (let i = 0; i < count; i++) {
    const folder = FOLDERS[i % FOLDERS.length] as string;
    const n = Math.floor(i / 6);
    let text = resourceText(folder, n);
    const roll = random();
    if (roll < 0.45) {
      // Clean, written in one of several equivalent styles.
      text = pick([
        (t: string) => t,
        (t: string) => `# generated\n${t}\n# end\n`,
        (t: string) => t.replace(/: ([a-z][\w.-]*)\n/, ": '$1'\n"),
        (t: string) => t.replace(/: ([a-z][\w.-]*)\n/, ': "$1" # quoted\n'),
        (t: string) => t.replace(/\n/g, "\r\n"),
        (t: string) => t.replace(/^name: (.*)$/m, "name:   $1   "),
      ])(text);
    } else {
      text = pick([
        (t: string) => t.replace(/^name: .*\n/m, ""),
        (t: string) => `${t}nmae: x\n`,
        (t: string) => `${t.replace(/^(\w+): .*\n/m, "$&$&")}`,
        (t: string) => t.replace(/^name: (.*)$/m, "name: other-$1"),
        (t: string) => t.replace(/: (true|false)\n/, ": 'yes'\n"),
        (t: string) => `${t}project: [unclosed\n`,
        (t: string) => t.replace(/^(\w+): /m, "$1: &anchor "),
        (t: string) => t.replace(/\n {2}/, "\n\t"),
        (t: string) => `${t}__proto__: 1\n`,
        (t: string) => t.replace(/source: \w+/, "source: nowhere"),
        (t: string) => (folder === "cluster-definitions" ? t.replace("configuration:\n", "configuration:\n  accessToken: dapi-secret\n") : `${t}extra: 1\n`),
        (t: string) => t.replace(/ [0-9]+\n/, " 0x1F\n"),
        (t: string) => t.replace(/: (\w+)\n/, ": [ $1 ]\n"),
        () => `{"name": "x"}\n`,
      ])(text);
    }
    files.push({ path: `${folder}/${folder.slice(0, -1)}-${n}.yaml`, content: Buffer.from(text) });
  }
  return files;
}

function resourceText(folder: string, n: number): string {
  switch (folder) {
    case "models":
      return n % 2
        ? `name: model-${n}\nsource: warehouse\ntype: raw_sql\ndbtModel: null\nrawSql: |\n  select id\n  from t_${n}\nisSchema: false\nprimaryKey: id\nproject: p\n`
        : `name: model-${n}\nsource: crm\ntype: table\ndbtModel: ~\ntableName: public.t_${n}\nisSchema: false\nprimaryKey: id\n`;
    case "syncs":
      return `model: model-${n}\ndestination: hubspot\nconfig:\n  object: contacts\n  batch: 500\nschedule:\n  type: interval\n  every: 15m\nschedulePaused: false\n`;
    case "jobs":
      return `name: job-${n}\nproject: p\nenabled: true\ndependsOn: []\ntasks:\n  - name: copy\n    type: data-migration\n    tables:\n      - name: t\n        columns:\n          - name: id\n            type: int\n        configuration: {}\n`;
    case "file-definitions":
      return `name: file-definition-${n}\ntype: csv\nfilePath: drops/*.csv\nextension: .csv\ndelimiter: ","\nhasHeader: true\n`;
    case "cluster-definitions":
      return `name: cluster-definition-${n}\ntype: databricks\nconfiguration:\n  workers: ${n + 1}\n  ratio: 1.5\n`;
    default:
      return `name: python-environment-${n}\npath: envs/e\npythonVersion: "3.11"\npackages:\n  - pandas\n`;
  }
}

const TRICKY: [string, "yaml" | "json"][] = [
  ["a: 1\nb: -.5\nc: 0b101\nd: 1_000\ne: 1e400\nf: 0o17\ng: 0x1F\nh: +12\ni: -0\nj: .inf\nk: -.Inf\nl: .NaN\nm: 1.50\nn: 12345678901234567890\n", "yaml"],
  ["a: Null\nb: NULL\nc: ~\nd:\ne: null\nf: True\ng: FALSE\nh: yes\ni: no\nj: on\nk: 'null'\n", "yaml"],
  ["a: |\n  x\n  y\n\nb: >\n  folded\n  text\n\n  para\nc: |-\n  strip\n\n\nd: |+\n  keep\n\n\ne: >2\n    indented\n   x\nf: end", "yaml"],
  ["a: this is\n  continued\n  plain\nb: 'single ''quoted''\n  folded'\nc: \"dq \\x41\\u263A\\N\\_ \\\n  cont\"\n", "yaml"],
  ["a: b: c\n", "yaml"], ["a: - b\n", "yaml"], ["a:\n- x\n- y\nb:\n  - - z\n", "yaml"], ["a: b\n  c: d\n", "yaml"],
  ["a:\n  b: 1\n c: 2\n", "yaml"], ["a: 'x'y\n", "yaml"], ["a: \"x\" # ok\n", "yaml"], ["a: x # c\nb: x#c\n", "yaml"],
  ["1: a\n'1': b\n", "yaml"], ["true: a\n", "yaml"], ["1.0: a\n", "yaml"], ["a: x\n\n\n# comment\n", "yaml"], ["# only\n", "yaml"],
  ["", "yaml"], ["- a\n", "yaml"], ["plain\n", "yaml"], ["a: 'it''s'\nb: \"a\\\"b\"\n", "yaml"], ["a: x:y\nb: http://x.y/z?q=1&r=*\n", "yaml"],
  ["a: %x\n", "yaml"], ["a:\n  - name: x\n    v: 1\n  -\n    name: y\n", "yaml"], ["a:    \n  b\n", "yaml"], ["key with spaces: v\n\"q k\": v\n", "yaml"],
  ["a: |\n   x\n  y\n", "yaml"], ["a: >-\n\n  x\n", "yaml"], ["a: |\nb: 1\n", "yaml"], ["a: |1\n  x\n", "yaml"], ["a: 'x\n\n  y'\n", "yaml"],
  ["a: \"\\u00e9\\t\\/\"\n", "yaml"], ["a: é ü 中\n", "yaml"], ["a: - \n", "yaml"], ["a: 1 # c\n  # c2\nb: 2\n", "yaml"], ["a:\n  # c\n  b: 1\n", "yaml"],
  ["a: [\n]\n", "yaml"], ["a: b\n...\n", "yaml"], ["a: 'x'\n  'y'\n", "yaml"], ["a: b\n c\n", "yaml"], ["a: x\n- y\n", "yaml"], ["  a: 1\n  b: 2\n", "yaml"],
  ["  a: 1\n b: 2\n", "yaml"], ["a:\n b:\n  c: 1\n", "yaml"], ["a: \"x\n y\"\n", "yaml"], ["a: 'x\n\ty'\n", "yaml"], ["? a\n: b\n", "yaml"],
  ["a: 0.\nb: .5\nc: 5.\nd: +.5\ne: 1E3\nf: 1e+3\n", "yaml"], ["a: 00012\nb: 0o8\nc: 0X1\nd: -0x1\ne: 0b1\n", "yaml"], ["a: -\n", "yaml"],
  ["a: --\nb: ---x\n", "yaml"], ["a: :x\nb: x:\n", "yaml"], ["a: b\n#x\n c: d\n", "yaml"], ["a:\n  b\n  c: d\n", "yaml"], ["a: >\n  x\n\n\n  y\n  \n", "yaml"],
  ["a: \"\\ud83d\\ude00\"\n", "yaml"], ["a: 1\r\nb: |\r\n  x\r\n  y\r\n", "yaml"], ["a: >\r\n  x\r\n  y\r\n\r\n  z\r\nb: 'q\r\n  r'\r\nc: \"d\r\n  e\\\r\n  f\"\r\n", "yaml"],
  ["a: x\rb: y\n", "yaml"], [`a: ${"x".repeat(1200)}\n`, "yaml"], [`${"k".repeat(1100)}: 1\n`, "yaml"], ["a: \"x\"#c\n", "yaml"], ["a: `x`\nb: @y\n", "yaml"],
  ["{\"a\": 1, \"b\": [1, 2.5, -0, 1e400, 12345678901234567890], \"c\": {\"d\": null, \"e\": true}, \"f\": \"\\u00e9\\/\\n\"}\n", "json"],
  ["{\"a\": 1, \"a\": 2}", "json"], ["{\"a\":1,\"b\":\"x\"}", "json"], ["{\n\t\"a\": 1\n}\n", "json"], [`{"a": "${"x".repeat(3000)}"}`, "json"],
  ["{\"a\": {\"b\": {}}, \"c\": []}\n", "json"], ["{\"a\":\n1}\n", "json"], ["{\"a\": 1}\n{\"b\": 2}", "json"], ["{\r\n  \"a\": 1\r\n}\r\n", "json"],
  ["{\"__proto__\": 1}", "json"], ["{\"a\": \"x:\\\"\"}", "json"], ["{\"a\": [{\"b\": 1}, {\"b\": 1}]}", "json"], ["a: 1\n", "json"],
];
