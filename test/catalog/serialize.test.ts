import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { resourcePath, serializeResource } from "../../src/catalog/serialize.js";
import type { JsonObject } from "../../src/core/types.js";
import { validateTree } from "../../src/validation/index.js";

const valid = join(import.meta.dirname, "..", "..", "fixtures", "configs", "valid");

describe("serializeResource", () => {
  it("writes known keys in schema order, then the rest sorted, at every depth", async () => {
    const catalog = await Catalog.load();
    const body = {
      tasks: [{ tables: [], zeta: 1, alpha: 2, type: "python", name: "t" }],
      enabled: true,
      project: "p",
      name: "j",
      dependsOn: [],
    };
    expect(serializeResource(catalog, "job", body, "yaml")).toBe(
      "name: j\nproject: p\nenabled: true\ndependsOn: []\ntasks:\n  - name: t\n    type: python\n    tables: []\n    alpha: 2\n    zeta: 1\n",
    );
    expect(serializeResource(catalog, "job", body, "json")).toBe(
      `${JSON.stringify({ name: "j", project: "p", enabled: true, dependsOn: [], tasks: [{ name: "t", type: "python", tables: [], alpha: 2, zeta: 1 }] }, null, 2)}\n`,
    );
  });

  it("never writes a secret field", async () => {
    const catalog = await Catalog.load();
    const out = serializeResource(
      catalog,
      "cluster-definition",
      { name: "c", type: "databricks", configuration: { workers: 2, accessToken: "dapi-secret" } },
      "yaml",
    );
    expect(out).toBe("name: c\ntype: databricks\nconfiguration:\n  workers: 2\n");
  });

  it("is stable: any key order gives the same text, which validates cleanly at its own path", async () => {
    const catalog = await Catalog.load();
    for (const folder of ["models", "syncs", "jobs"]) {
      for (const file of readdirSync(join(valid, folder))) {
        const body = parse(readFileSync(join(valid, folder, file), "utf8")) as JsonObject;
        const kind = catalog.byFolder(folder)?.id as string;
        const shuffled: JsonObject = Object.fromEntries(Object.entries(body).reverse());
        const text = serializeResource(catalog, kind, body, "yaml");
        expect(serializeResource(catalog, kind, shuffled, "yaml")).toBe(text);
        expect(text.endsWith("\n")).toBe(true);
        expect(parse(text)).toEqual(body);
        const name = file.replace(/\.(yaml|yml|json)$/, "");
        const path = resourcePath("", folder, name, "yaml");
        const result = validateTree({ catalog, files: [{ path, content: text }], connections: null });
        // Alone, a file can only miss the resources it names; everything else must pass.
        expect(result.diagnostics.filter((d) => d.severity === "error" && d.code !== "missing-reference")).toEqual([]);
      }
    }
  });
});

describe("resourcePath", () => {
  it("joins the git connection's path, the folder and the name", () => {
    expect(resourcePath("", "models", "orders", "yaml")).toBe("models/orders.yaml");
    expect(resourcePath("/config/", "syncs", "a.b", "json")).toBe("config/syncs/a.b.json");
  });
});
