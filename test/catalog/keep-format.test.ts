import { beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { serializeResource, writeResource } from "../../src/catalog/serialize.js";
import type { JsonObject } from "../../src/core/types.js";

let catalog: Catalog;
beforeAll(async () => {
  catalog = await Catalog.load();
});

const job: JsonObject = {
  name: "load",
  project: "sales",
  enabled: true,
  dependsOn: [],
  tasks: [{ name: "copy", type: "file-to-database", tables: [{ name: "orders", columns: [{ name: "id", type: "integer" }], configuration: {} }] }],
};

// A person's own layout: sequences flush with their key, wide comment spacing, blank lines.
const written = `# Nightly load of the orders file.
name: load
project: sales   # owned by the sales team
enabled: true

dependsOn: []
tasks:
- name: copy        # the only task
  type: file-to-database
  tables:
  - name: orders
    columns:
    - name: id
      type: integer
    configuration: {}
`;

describe("writeResource on a file a person wrote", () => {
  it("returns the very same text when the resource did not change", () => {
    expect(writeResource(catalog, "job", job, "yaml", written)).toBe(written);
  });

  it("changes one nested field's line and nothing else, in the file's own layout", () => {
    const changed = structuredClone(job);
    ((changed.tasks as JsonObject[])[0]!.tables as JsonObject[])[0]!.name = "orders_v2";
    expect(writeResource(catalog, "job", changed, "yaml", written)).toBe(written.replace("  - name: orders\n", "  - name: orders_v2\n"));
  });

  it("adds a new field after its canonical predecessor and drops a removed one with its line", () => {
    const changed: JsonObject = { ...job, description: "Loads orders", enabled: undefined as never };
    delete changed.enabled;
    const out = writeResource(catalog, "job", changed, "yaml", written);
    expect(out).toBe(written.replace("project: sales   # owned by the sales team\nenabled: true\n", "project: sales   # owned by the sales team\ndescription: Loads orders\n"));
  });

  it("keeps a changed string's quotes", () => {
    const model = { name: "m", source: "w", type: "table", dbtModel: null, tableName: "a.b", isSchema: false, primaryKey: "id" };
    const text = serializeResource(catalog, "model", model, "yaml").replace("tableName: a.b", "tableName: 'a.b'");
    expect(writeResource(catalog, "model", { ...model, tableName: "c.d" }, "yaml", text)).toBe(text.replace("'a.b'", "'c.d'"));
  });

  it("writes the canonical form when the file in git cannot be read", () => {
    const model = { name: "m", source: "w", type: "table", dbtModel: null, tableName: "a.b", isSchema: false, primaryKey: "id" };
    expect(writeResource(catalog, "model", model, "yaml", "name: [unclosed\n")).toBe(serializeResource(catalog, "model", model, "yaml"));
    expect(writeResource(catalog, "model", model, "json", "{ not json")).toBe(serializeResource(catalog, "model", model, "json"));
  });

  it("never writes a secret field into a person's file", () => {
    const text = "# spark\nname: c\ntype: databricks\nconfiguration:\n  workers: 2\n";
    const body = { name: "c", type: "databricks", configuration: { workers: 3, accessToken: "dapi-secret" } };
    expect(writeResource(catalog, "cluster-definition", body, "yaml", text)).toBe(text.replace("workers: 2", "workers: 3"));
  });
});

describe("writeResource on a JSON file a person wrote", () => {
  const model = { name: "m", source: "w", type: "table", dbtModel: null, tableName: "a.b", isSchema: false, primaryKey: "id" };
  const text = `{\n\t"primaryKey": "id",\n\t"name": "m",\n\t"source": "w",\n\t"type": "table",\n\t"dbtModel": null,\n\t"tableName": "a.b",\n\t"isSchema": false\n}`;

  it("keeps the same bytes when nothing changed, else its key order, tabs and missing final newline", () => {
    expect(writeResource(catalog, "model", model, "json", text)).toBe(text);
    expect(writeResource(catalog, "model", { ...model, tableName: "c.d" }, "json", text)).toBe(text.replace('"a.b"', '"c.d"'));
  });
});
