import fc from "fast-check";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { runValidation } from "../../src/validation/engine.js";

/*
 * The model format as Hightouch documents it: dbtModel, rawSql and tableName are each "null or
 * ...". The field the type uses is a non-empty string; the other two are null or absent. Both
 * validation paths (fast and yaml) must reach the same verdict, with one diagnostic per problem.
 */

let catalog: Catalog;
beforeAll(async () => {
  catalog = await Catalog.load();
});

const TYPES = ["raw_sql", "table", "dbt_model"] as const;
type ModelType = (typeof TYPES)[number];
const FIELD: Record<ModelType, string> = { raw_sql: "rawSql", table: "tableName", dbt_model: "dbtModel" };
const VALUE: Record<ModelType, string> = { raw_sql: "select 1", table: "public.accounts", dbt_model: "model.finance.revenue" };

/** The other two fields, each null or absent. */
type Others = Record<string, "null" | "absent">;

function model(type: ModelType, others: Others, own: unknown = VALUE[type]): Record<string, unknown> {
  const body: Record<string, unknown> = { name: "m", source: "warehouse", type };
  for (const field of ["dbtModel", "rawSql", "tableName"]) {
    if (field === FIELD[type]) body[field] = own;
    else if (others[field] === "null") body[field] = null;
  }
  return { ...body, isSchema: false, primaryKey: "id" };
}

function diagnose(body: Record<string, unknown>, format: "yaml" | "json") {
  const content = format === "json" ? `${JSON.stringify(body, null, 2)}\n` : stringify(body);
  const files = [{ path: `models/m.${format}`, content }];
  const input = { catalog, basePath: "", files, deleted: [], current: [], connections: ["warehouse"] };
  const fast = runValidation(input);
  const full = runValidation({ ...input, fastPath: false });
  expect(fast).toStrictEqual(full);
  return full.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`);
}

const othersArb = fc.record({ dbtModel: fc.constantFrom("null", "absent"), rawSql: fc.constantFrom("null", "absent"), tableName: fc.constantFrom("null", "absent") }) as fc.Arbitrary<Others>;

describe("the model format", () => {
  it("accepts every type with its own field set and the other two null or absent, in YAML and JSON", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), othersArb, fc.constantFrom("yaml" as const, "json" as const), (type, others, format) => {
        expect(diagnose(model(type, others), format)).toEqual([]);
      }),
    );
  });

  it("reports a wrong value in the type's own field once, whatever the other two hold", () => {
    const wrong = fc.constantFrom<[unknown, string]>([null, "must be string"], ["", "must not be empty"], [42, "must be string"]);
    fc.assert(
      fc.property(fc.constantFrom("raw_sql" as const, "table" as const), othersArb, wrong, (type, others, [value, problem]) => {
        expect(diagnose(model(type, others, value), "yaml")).toEqual([expect.stringContaining(`schema: field '${FIELD[type]}' ${problem} when type is ${type}`)]);
      }),
    );
    expect(diagnose(model("dbt_model", {}, ""), "yaml")).toEqual([
      "4:11 schema: field 'dbtModel' must be of the form model.<package>.<model> when type is dbt_model",
    ]);
  });

  it("reports a field another type uses, when set, once", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.constantFrom(...TYPES), (type, intruder) => {
        fc.pre(type !== intruder);
        const body = model(type, {});
        body[FIELD[intruder]] = VALUE[intruder];
        expect(diagnose(body, "yaml")).toEqual([expect.stringContaining(`schema: field '${FIELD[intruder]}' must be null when type is ${type}`)]);
      }),
    );
  });

  it("reports a missing own field once, naming it", () => {
    for (const type of TYPES) {
      const body = model(type, { dbtModel: "null", rawSql: "null", tableName: "null" });
      delete body[FIELD[type]];
      expect(diagnose(body, "yaml")).toEqual([`1:1 schema: missing required field '${FIELD[type]}' when type is ${type}`]);
    }
  });

  it("reports an unknown type once, not the fields it would have needed", () => {
    const body = { ...model("table", { rawSql: "null", dbtModel: "null" }), type: "view" };
    expect(diagnose(body, "yaml")).toEqual([`3:7 schema: field 'type' must be one of "raw_sql", "table", "dbt_model"`]);
  });
});
