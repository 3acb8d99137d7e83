import { beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { validateChange, validateResource, type CurrentResource } from "../../src/validation/index.js";

let catalog: Catalog;
beforeAll(async () => {
  catalog = await Catalog.load();
});

const model = (name: string) => ({
  kind: "model",
  name,
  body: { name, source: "warehouse", type: "table", dbtModel: null, tableName: `t.${name}`, isSchema: false, primaryKey: "id" },
});
const sync = (name: string, modelName: string): CurrentResource => ({
  kind: "sync",
  name,
  body: { model: modelName, destination: "crm", config: {}, schedule: null, schedulePaused: false },
});
const job = (name: string, dependsOn: string[]) => ({
  kind: "job",
  name,
  body: { name, project: "ops", enabled: true, dependsOn, tasks: [{ name: "run", type: "command", tables: [] }] },
});
const syncFile = (path: string, modelName: string) => ({
  path,
  content: `model: ${modelName}\ndestination: crm\nconfig: {}\nschedule: null\nschedulePaused: false\n`,
});

describe("validateChange", () => {
  it("rejects a sync whose model is deleted in the same change", () => {
    const result = validateChange({
      catalog,
      basePath: "config",
      changed: [syncFile("config/syncs/s.yaml", "orders")],
      deleted: ["config/models/orders.yaml"],
      current: [model("orders")],
      connections: ["crm", "warehouse"],
    });
    expect(result.deleted).toEqual([{ kind: "model", name: "orders" }]);
    expect(result.diagnostics).toEqual([
      {
        file: "config/syncs/s.yaml",
        line: 1,
        column: 8,
        code: "missing-reference",
        severity: "error",
        message: "model 'orders' named by field 'model' does not exist (no models/orders.yaml)",
      },
    ]);
  });

  it("accepts a sync naming a model that exists only in the tenant, and reports the parsed resource", () => {
    const result = validateChange({
      catalog,
      basePath: "config",
      changed: [syncFile("config/syncs/s.yaml", "orders"), { path: "docs/readme.md", content: "ignored" }],
      deleted: [],
      current: [model("orders")],
      connections: ["crm"],
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.resources).toEqual([
      { kind: "sync", name: "s", path: "config/syncs/s.yaml", body: sync("s", "orders").body, project: null },
    ]);
  });

  it("reports a deletion that an unchanged resource still needs, on the deleted path", () => {
    const result = validateChange({
      catalog,
      basePath: "",
      changed: [],
      deleted: ["models/orders.yaml"],
      current: [model("orders"), sync("daily", "orders")],
      connections: null,
    });
    expect(result.diagnostics).toEqual([
      {
        file: "models/orders.yaml",
        line: 1,
        column: 1,
        code: "missing-reference",
        severity: "error",
        message: "model 'orders' is deleted but sync 'daily' still names it in field 'model'",
      },
    ]);
  });

  it("treats a renamed extension (a.yml → a.yaml) as an update, not a deletion", () => {
    const result = validateChange({
      catalog,
      basePath: "",
      changed: [syncFile("syncs/s.yaml", "orders")],
      deleted: ["syncs/s.yml"],
      current: [model("orders"), sync("s", "orders")],
      connections: ["crm"],
    });
    expect(result.deleted).toEqual([]);
    expect(result.diagnostics).toEqual([]);
  });

  it("finds a cycle closed by a changed job through unchanged ones, once", () => {
    const result = validateChange({
      catalog,
      basePath: "",
      changed: [
        {
          path: "jobs/c.yaml",
          content: "name: c\nproject: ops\nenabled: true\ndependsOn:\n  - a\ntasks:\n  - name: run\n    type: command\n    tables: []\n",
        },
      ],
      deleted: [],
      current: [job("a", ["b"]), job("b", ["c"]), job("c", [])],
      connections: [],
    });
    expect(result.diagnostics).toEqual([
      {
        file: "jobs/c.yaml",
        line: 5,
        column: 5,
        code: "dependency-cycle",
        severity: "error",
        message: "job dependency cycle: c → a → b → c",
      },
    ]);
  });
});

describe("validateResource", () => {
  it("validates the file that would be written, with that file's positions", () => {
    const diagnostics = validateResource({
      catalog,
      kind: "model",
      name: "orders",
      body: { primaryKey: "id", type: "table", name: "orders", source: "warehouse", isSchema: true, tableName: "t" },
      current: [],
      connections: ["warehouse"],
    });
    // Serialised in schema order: name, source, type, tableName, isSchema (line 5), primaryKey.
    expect(diagnostics).toEqual([
      {
        file: "models/orders.yaml",
        line: 5,
        column: 11,
        code: "schema",
        severity: "error",
        message: "field 'isSchema' must be false",
      },
    ]);
  });

  it("checks references against the current tenant", () => {
    const diagnostics = validateResource({
      catalog,
      kind: "sync",
      name: "s",
      body: sync("s", "missing").body,
      current: [model("orders")],
      connections: ["crm"],
    });
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ["missing-reference", 1, "model 'missing' named by field 'model' does not exist (no models/missing.yaml)"],
    ]);
  });
});
