import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { ConfigError } from "../../src/core/errors.js";

const schemas = join(import.meta.dirname, "schemas");

describe("Catalog", () => {
  it("loads the built-in kinds with their folders, references and secrets", async () => {
    const catalog = await Catalog.load();
    expect(catalog.kinds().map((k) => [k.id, k.folder, k.exported])).toEqual([
      ["cluster-definition", "cluster-definitions", true],
      ["connection", "connections", false],
      ["file-definition", "file-definitions", true],
      ["job", "jobs", true],
      ["model", "models", true],
      ["python-environment", "python-environments", true],
      ["sync", "syncs", true],
    ]);
    expect(catalog.byFolder("syncs")?.references).toEqual([
      { path: ["model"], target: "model" },
      { path: ["destination"], target: "connection" },
    ]);
    expect(catalog.byId("job")?.references).toEqual([
      { path: ["dependsOn", "*"], target: "job" },
      { path: ["tasks", "*", "sourceConnection"], target: "connection" },
      { path: ["tasks", "*", "targetConnection"], target: "connection" },
      { path: ["tasks", "*", "fileDefinition"], target: "file-definition" },
      { path: ["tasks", "*", "clusterDefinition"], target: "cluster-definition" },
      { path: ["tasks", "*", "pythonEnvironment"], target: "python-environment" },
    ]);
    expect(catalog.byId("connection")?.secrets).toEqual([["credentials"]]);
    expect(catalog.byId("cluster-definition")?.secrets).toEqual([["configuration", "accessToken"]]);
    expect(catalog.byId("model")?.secrets).toEqual([]);
    expect(catalog.byFolder("nothing")).toBeUndefined();
  });

  it("compiles each schema once and enforces the model rules", async () => {
    const model = (await Catalog.load()).byId("model");
    const base = { name: "m", source: "w", primaryKey: "id", isSchema: false };
    expect(model?.validate({ ...base, type: "table", tableName: "t", dbtModel: null })).toBe(true);
    expect(model?.validate({ ...base, type: "table", tableName: "t", isSchema: true })).toBe(false);
    expect(model?.validate({ ...base, type: "dbt_model", dbtModel: "model.pkg.orders" })).toBe(true);
    expect(model?.validate({ ...base, type: "dbt_model", dbtModel: "pkg.orders" })).toBe(false);
    expect(model?.validate({ ...base, type: "raw_sql" })).toBe(false);
  });

  it("checks sync schedules, including 5-field cron expressions", async () => {
    const sync = (await Catalog.load()).byId("sync");
    const base = { model: "m", destination: "d", config: {}, schedulePaused: false };
    const ok = (schedule: unknown) => sync?.validate({ ...base, schedule });
    expect(ok(null)).toBe(true);
    expect(ok({ type: "manual" })).toBe(true);
    expect(ok({ type: "interval", every: "15m" })).toBe(true);
    expect(ok({ type: "interval", every: "15 minutes" })).toBe(false);
    expect(ok({ type: "cron", expression: "*/5 9-17 * * 1-5" })).toBe(true);
    expect(ok({ type: "cron", expression: "0 0 * * * *" })).toBe(false);
    expect(ok({ type: "cron", expression: "0 24 * * *" })).toBe(false);
    expect(ok({ type: "cron", expression: "@daily" })).toBe(false);
  });

  it("adds extra kinds from a folder", async () => {
    const catalog = await Catalog.load({ extraDir: join(schemas, "extra") });
    const dashboard = catalog.byFolder("dashboards");
    expect(dashboard).toMatchObject({ id: "dashboard", exported: true, secrets: [["apiKey"]] });
    expect(dashboard?.references).toEqual([
      { path: ["model"], target: "model" },
      { path: ["widgets", "*", "source"], target: "connection" },
    ]);
    // The built-in kinds keep their precompiled validators; the extra one is compiled here (an
    // ajv-compiled validator carries its schema environment, a standalone one does not).
    expect("schemaEnv" in dashboard!.validate).toBe(true);
    expect("schemaEnv" in catalog.byId("model")!.validate).toBe(false);
    expect(dashboard!.validate({})).toBe(false);
  });

  it("refuses an extra kind named as a built-in one, whose validator is never the built-in's", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gitsync-catalog-"));
    try {
      await writeFile(join(dir, "model.schema.json"), JSON.stringify({ "x-gitsync-folder": "other-models", type: "object" }));
      const error = await Catalog.load({ extraDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain("kind 'model' is already defined");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails at start-up naming a malformed extra schema", async () => {
    const error = await Catalog.load({ extraDir: join(schemas, "malformed") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(join(schemas, "malformed", "broken.schema.json"));
  });

  it.each([
    ["bad-keyword", { "x-gitsync-folder": "things", type: "object", propertees: {} }, "invalid schema"],
    ["no-folder", { type: "object" }, "x-gitsync-folder"],
    ["clash", { "x-gitsync-folder": "models", type: "object" }, "folder 'models' is already used"],
    ["bad-ref", { "x-gitsync-folder": "things", properties: { a: { type: "string", "x-gitsync-ref": "nope" } } }, "unknown kind 'nope'"],
  ])("rejects an extra schema with %s", async (name, schema, message) => {
    const dir = await mkdtemp(join(tmpdir(), "gitsync-catalog-"));
    try {
      await writeFile(join(dir, `${name}.schema.json`), JSON.stringify(schema));
      const error = await Catalog.load({ extraDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`${name}.schema.json`);
      expect((error as Error).message).toContain(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
