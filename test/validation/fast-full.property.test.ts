import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { runValidation, type ConfigFile } from "../../src/validation/engine.js";

/**
 * The fast path (read without positions, then the same per-file rules as the full path) and the
 * full path (the `yaml` document parser) must give the same verdict on any file: the same
 * diagnostics, codes, lines and columns, and the same resources. Files are generated from the
 * kinds' own fields mixed with unknown and secret fields, refused keys, duplicate keys, odd
 * scalars, comments, CRLF line ends and broken lines.
 */

const RUNS = 150;
const CONNECTIONS = ["warehouse", "crm"];

let catalog: Catalog;
beforeAll(async () => {
  catalog = await Catalog.load();
});

const FOLDERS = ["models", "syncs", "jobs", "file-definitions", "cluster-definitions", "python-environments"] as const;
const KEYS = [
  "name", "source", "type", "dbtModel", "rawSql", "tableName", "isSchema", "primaryKey", "project", "model", "destination",
  "config", "schedule", "schedulePaused", "every", "expression", "enabled", "dependsOn", "tasks", "tables", "columns",
  "filePath", "extension", "delimiter", "hasHeader", "configuration", "path", "packages", "credentials", "password",
  "accessToken", "nmae", "extra", "__proto__", "constructor", "null", "true", "1", "key with space",
];
const SCALARS = [
  "x", "warehouse", "crm", "raw_sql", "table", "dbt_model", "csv", "databricks", "interval", "cron", "manual", "15m", "true",
  "false", "null", "~", "", "0", "12", "-3.5", "0x1F", "0o17", "1e3", ".inf", "yes", "no", "'quoted'", '"dq \\u00e9"', "'it''s'",
  '"0 6 * * 1-5"', "a: b", "x # comment", "[]", "{}", "[a, b]", "{a: 1}", "&anchor x", "*alias", "!!str 1", "model.pkg.m", "|",
  "-", "`tick`", '"\\t"', "p-1", "select 1",
];

interface Node {
  key: string;
  value: string | Node[] | { list: (string | Node[])[] };
}

const key = fc.constantFrom(...KEYS);
const scalar = fc.constantFrom(...SCALARS);
const { node } = fc.letrec<{ node: Node; nodes: Node[] }>((tie) => ({
  node: fc.record({
    key,
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      scalar,
      tie("nodes"),
      fc.record({ list: fc.array(fc.oneof(scalar, tie("nodes")), { maxLength: 3 }) }),
    ),
  }),
  nodes: fc.array(tie("node"), { minLength: 1, maxLength: 4 }),
}));

function render(nodes: Node[], indent: string, out: string[]): void {
  for (const n of nodes) {
    if (typeof n.value === "string") out.push(`${indent}${n.key}: ${n.value}`);
    else if (Array.isArray(n.value)) {
      out.push(`${indent}${n.key}:`);
      render(n.value, `${indent}  `, out);
    } else {
      out.push(`${indent}${n.key}:${n.value.list.length === 0 ? " []" : ""}`);
      for (const item of n.value.list) {
        if (typeof item === "string") out.push(`${indent}  - ${item}`);
        else {
          const lines: string[] = [];
          render(item, `${indent}    `, lines);
          out.push(...lines.map((line, i) => (i === 0 ? `${indent}  - ${line.trimStart()}` : line)));
        }
      }
    }
  }
}

/** Small edits a person or a broken tool makes: comments, CRLF, trailing spaces, tabs, bad lines. */
const EDITS: ((lines: string[]) => string[])[] = [
  (lines) => lines,
  (lines) => ["# written by hand", ...lines, "# end"],
  (lines) => lines.map((l) => `${l}   `),
  (lines) => lines.map((l, i) => (i === 1 ? `\t${l}` : l)),
  (lines) => [...lines, "broken: [unclosed"],
  (lines) => [...lines, "  misindented: 1"],
  (lines) => [...lines.slice(0, 1), ...lines],
];

interface GeneratedFile {
  folder: string;
  name: string;
  nodes: Node[];
  edit: number;
  crlf: boolean;
  bytes: boolean;
}

const file: fc.Arbitrary<GeneratedFile> = fc.record({
  folder: fc.constantFrom(...FOLDERS),
  name: fc.constantFrom("a", "b", "c", "p-1", "Bad_Name"),
  nodes: fc.array(node, { minLength: 1, maxLength: 8 }),
  edit: fc.nat(EDITS.length - 1),
  crlf: fc.boolean(),
  bytes: fc.boolean(),
});

function configFile(f: GeneratedFile): ConfigFile {
  const lines: string[] = [];
  render(f.nodes, "", lines);
  const text = `${(EDITS[f.edit] as (l: string[]) => string[])(lines).join(f.crlf ? "\r\n" : "\n")}\n`;
  return { path: `${f.folder}/${f.name}.yaml`, content: f.bytes ? Buffer.from(text) : text };
}

describe("the fast and the full path", () => {
  it("give the same diagnostics and resources on generated files", () => {
    let diagnostics = 0;
    let resources = 0;
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 6 }), (generated) => {
        const files = generated.map(configFile);
        const input = { catalog, basePath: "", files, deleted: [], current: [], connections: CONNECTIONS };
        const fast = runValidation(input);
        const full = runValidation({ ...input, fastPath: false });
        expect(fast).toStrictEqual(full);
        diagnostics += full.diagnostics.length;
        resources += full.resources.length;
      }),
      { numRuns: RUNS, seed: 19 },
    );
    // Not vacuous: both verdicts were met many times.
    expect(diagnostics).toBeGreaterThan(RUNS);
    expect(resources).toBeGreaterThan(RUNS / 10);
  });
});
