import { describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { runValidation, type ConfigFile } from "../../src/validation/engine.js";
import { readStrictJson } from "../../src/validation/json-text.js";
import { MAX_DEPTH } from "../../src/validation/limits.js";

/** Encoding, NUL and depth rules, on the fast path and the full path, and for JSON request bodies. */

const catalog = await Catalog.load({});
const MODEL = "source: warehouse\ntype: raw_sql\nrawSql: select 1 as id\nisSchema: false\nprimaryKey: id\n";

/** Error codes with positions of one file, by both paths (which must agree). */
function verdict(path: string, content: string | Buffer): string[] {
  const files: ConfigFile[] = [{ path, content }];
  const run = (fastPath: boolean) =>
    runValidation({ catalog, basePath: "", files, deleted: [], current: [], connections: ["warehouse"], fastPath })
      .diagnostics.filter((d) => d.severity === "error")
      .map((d) => `${d.line}:${d.column} ${d.code}`);
  const fast = run(true);
  expect(run(false)).toEqual(fast);
  return fast;
}

/** A block YAML model with `levels` nested mappings under `tags` (the top level is level one). */
function blockDepth(name: string, levels: number): string {
  let text = `name: ${name}\n${MODEL}tags:\n`;
  for (let i = 1; i < levels - 1; i++) text += `${"  ".repeat(i)}l${i}:\n`;
  return `${text}${"  ".repeat(levels - 1)}end: 1\n`;
}

describe("encoding", () => {
  it("refuses invalid UTF-8 at its first bad byte", () => {
    expect(verdict("models/a.yaml", Buffer.from(`name: a\n${MODEL}x: caf\xe9\n`, "latin1"))).toEqual(["7:7 encoding"]);
  });

  it("refuses a NUL byte where it is, and a NUL written as an escape at its value", () => {
    expect(verdict("models/a.yaml", Buffer.from(`name: a\n${MODEL}x: a\0b\n`))).toEqual(["7:5 encoding"]);
    expect(verdict("models/a.yaml", `name: a\n${MODEL}x: "a\\0b"\n`)).toEqual(["7:4 encoding"]);
    expect(verdict("models/a.yaml", `name: a\n${MODEL}x: "a\\x00b"\n`)).toEqual(["7:4 encoding"]);
    expect(verdict("models/a.json", `{"name": "a", "x": "a\\u0000b"}`)).toEqual(["1:20 encoding"]);
  });
});

describe("depth", () => {
  it(`accepts ${MAX_DEPTH} levels and refuses one more, at the level past the limit`, () => {
    expect(verdict("models/a.yaml", blockDepth("a", MAX_DEPTH)).filter((v) => !v.endsWith("unknown-field"))).toEqual([]);
    expect(verdict("models/a.yaml", blockDepth("a", MAX_DEPTH + 1))).toEqual([`${7 + MAX_DEPTH}:${2 * MAX_DEPTH + 1} depth`]);
  });

  it("refuses 10,000 nested objects in JSON, and 10,000 nested flow lists in YAML, without running out of stack", () => {
    const json = `{"name": "a", "x": ${"{\"a\": ".repeat(10_000)}1${"}".repeat(10_000)}}`;
    expect(verdict("models/a.json", json)).toEqual([`1:${20 + 6 * (MAX_DEPTH - 1)} depth`]);
    const flow = `name: a\nx: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`;
    expect(verdict("models/a.yaml", flow)).toEqual([`2:${4 + MAX_DEPTH - 1} depth`]);
  });

  it("counts the levels aliases add", () => {
    const half = Math.ceil(MAX_DEPTH / 2) + 1;
    const deep = `${"[".repeat(half)}1${"]".repeat(half)}`;
    const text = `name: a\nx: &d ${deep}\ny: ${"[".repeat(half)}*d${"]".repeat(half)}\n`;
    // Reported at the first alias: the document itself is within the limit.
    expect(verdict("models/a.yaml", text)).toEqual([`3:${4 + half} depth`]);
  });
});

describe("readStrictJson: request bodies under the file rules", () => {
  const codeOf = (body: string | Buffer) => {
    const read = readStrictJson(Buffer.isBuffer(body) ? body : Buffer.from(body), "(request body)");
    return read.ok ? "ok" : `${read.diagnostic.line}:${read.diagnostic.column} ${read.diagnostic.code}`;
  };

  it("reads valid JSON, escapes and nesting within the limit", () => {
    expect(codeOf('{"a": {"b": ["x", "y\\"z", {"a": 1}]}, "b": "\\u00e9"}')).toBe("ok");
    expect(codeOf(`${"[".repeat(MAX_DEPTH)}${"]".repeat(MAX_DEPTH)}`)).toBe("ok");
  });

  it("refuses a key twice in one object, however it is spelled, but not in two objects", () => {
    expect(codeOf('{"a": 1,\n "b": {"a": 2, "c": 3, "a": 4}}')).toBe("2:24 duplicate-key");
    expect(codeOf('{"a": 1, "\\u0061": 2}')).toBe("1:10 duplicate-key");
    expect(codeOf('[{"a": 1}, {"a": 1}]')).toBe("ok");
    expect(codeOf('{"a": "b", "b": "a"}')).toBe("ok");
  });

  it("refuses nesting past the limit, 10,000 levels included", () => {
    expect(codeOf(`${"[".repeat(MAX_DEPTH + 1)}${"]".repeat(MAX_DEPTH + 1)}`)).toBe(`1:${MAX_DEPTH + 1} depth`);
    expect(codeOf(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`)).toBe(`1:${5 * MAX_DEPTH + 1} depth`);
  });

  it("refuses invalid UTF-8, UTF-16 and NUL characters, and says where JSON is broken", () => {
    expect(codeOf(Buffer.from('{"a": "caf\xe9"}', "latin1"))).toBe("1:11 encoding");
    expect(codeOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a": 1}', "utf16le")]))).toBe("1:1 encoding");
    expect(codeOf('{"a": "x\\u0000"}')).toBe("1:7 encoding");
    expect(codeOf('{"a":\n 1,}')).toBe("2:4 syntax");
  });
});
