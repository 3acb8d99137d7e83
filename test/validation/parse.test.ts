import { describe, expect, it } from "vitest";
import { parseConfigFile } from "../../src/validation/parse.js";

describe("parseConfigFile", () => {
  it("parses YAML with positions resolved only on demand", () => {
    const parsed = parseConfigFile("a.yaml", Buffer.from("name: a\nnested:\n  list:\n    - x\n    - y\n"), "yaml");
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.value).toEqual({ name: "a", nested: { list: ["x", "y"] } });
    expect(parsed.positions.key(["nested", "list"])).toEqual({ line: 3, column: 3 });
    expect(parsed.positions.value(["nested", "list", 1])).toEqual({ line: 5, column: 7 });
    expect(parsed.positions.value(["nested"])).toEqual({ line: 2, column: 1 });
  });

  it("gives JSON files the same positions", () => {
    const parsed = parseConfigFile("a.json", '{\n  "name": "a",\n  "port": 5432\n}\n', "json");
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.positions.value(["port"])).toEqual({ line: 3, column: 11 });
  });

  it("accepts a byte order mark", () => {
    const parsed = parseConfigFile("a.yaml", Buffer.from("\uFEFFname: a\n"), "yaml");
    expect(parsed.value).toEqual({ name: "a" });
  });

  it("keeps YAML 1.1 tags from producing values that are not JSON", () => {
    const parsed = parseConfigFile("a.yaml", "name: a\nblob: !!binary aGVsbG8=\n", "yaml");
    expect(parsed.value).toEqual({ name: "a", blob: "aGVsbG8=" });
  });

  it("rejects an oversized string without parsing it", () => {
    const parsed = parseConfigFile("a.yaml", `name: a\nx: "${"é".repeat(600 * 1024)}"\n`, "yaml");
    expect(parsed.value).toBeNull();
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(["file-too-large"]);
  });

  it("reports an unresolved alias as a syntax error at the alias", () => {
    const parsed = parseConfigFile("a.yaml", "name: a\nb: *nowhere\n", "yaml");
    expect(parsed.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([["syntax", 2, 4]]);
  });

  it.each(["constructor", "prototype"])("forbids a %s key at any depth", (key) => {
    const parsed = parseConfigFile("a.yaml", `name: a\nlist:\n  - ${key}: 1\n`, "yaml");
    expect(parsed.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ["forbidden-key", 3, 5, `key '${key}' is not allowed`],
    ]);
  });
});
