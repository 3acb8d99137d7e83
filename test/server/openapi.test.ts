import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { componentSchemas } from "../../src/api/components.js";
import { Resource } from "../../src/api/resources.js";
import { openapi } from "../../src/server/openapi.js";
import { ApiRouter } from "../../src/server/router.js";
import { apiRoutes } from "../../src/server/routes/index.js";
import { ApiSchemas } from "../../src/server/schemas.js";

const METHODS = ["get", "put", "post", "delete", "patch"];

function documented(): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries(openapi.paths)) {
    for (const method of Object.keys(item)) if (METHODS.includes(method)) out.add(`${method.toUpperCase()} ${path}`);
  }
  return out;
}

describe("the OpenAPI document", () => {
  it("has every route the router has, and no other", () => {
    const router = new ApiRouter().add(...apiRoutes);
    const routes = new Set(router.routes().map((r) => `${r.method} ${r.path}`));
    expect([...routes].filter((r) => !documented().has(r))).toEqual([]);
    expect([...documented()].filter((r) => !routes.has(r))).toEqual([]);
  });

  it("covers the product's route table", () => {
    const design = [
      "GET /api/v1/tenants",
      "POST /api/v1/tenants",
      "GET /api/v1/tenants/{tenant}/resources/{kind}",
      "PUT /api/v1/tenants/{tenant}/resources/{kind}/{name}",
      "GET /api/v1/tenants/{tenant}/projects",
      "GET /api/v1/tenants/{tenant}/connections/export",
      "POST /api/v1/tenants/{tenant}/connections/import",
      "PUT /api/v1/tenants/{tenant}/git",
      "PATCH /api/v1/tenants/{tenant}/git",
      "PATCH /api/v1/tenants/{tenant}/resources/{kind}/{name}",
      "PATCH /api/v1/tenants/{tenant}/connections/{name}",
      "POST /api/v1/tenants/{tenant}/snapshots",
      "POST /api/v1/tenants/{tenant}/imports",
      "POST /api/v1/tenants/{tenant}/resync",
      "GET /api/v1/tenants/{tenant}/log",
      "POST /api/v1/tenants/{tenant}/pulls/{n}/merge",
      "GET /openapi.json",
      "GET /healthz",
    ];
    for (const route of design) expect(documented()).toContain(route);
  });

  it("is 3.1 with schemas that compile, and every $ref resolves", () => {
    expect(openapi.openapi).toBe("3.1.0");
    const schemas = new ApiSchemas();
    for (const shape of Object.values(componentSchemas)) expect(() => schemas.validator(shape)).not.toThrow();
    const text = JSON.stringify(openapi);
    for (const [, target] of text.matchAll(/"\$ref":"#\/components\/(\w+\/\w+)"/g)) {
      const [section, name] = target!.split("/") as [keyof typeof openapi.components, string];
      expect((openapi.components[section] as Record<string, unknown>)[name], target).toBeDefined();
    }
    // The whole document is plain JSON: what /openapi.json serves. A structured clone keeps all
    // but TypeBox's symbol markers, which JSON never carries.
    expect(JSON.parse(text)).toEqual(structuredClone(openapi));
    expect(new Ajv2020({ strict: false }).validateSchema(Resource)).toBe(true);
  });

  it("has shapes that are valid 2020-12 schemas (the server trusts them without checking)", () => {
    const ajv = new Ajv2020({ strict: false });
    for (const [name, shape] of Object.entries(componentSchemas)) {
      expect(ajv.validateSchema(JSON.parse(JSON.stringify(shape)) as object), `${name}: ${ajv.errorsText()}`).toBe(true);
    }
    // And the check would catch a shape that is not one.
    expect(ajv.validateSchema({ type: "object", properties: { a: { type: "integr" } } })).toBe(false);
  });

  it("declares the security scheme on every /api/v1 operation", () => {
    for (const [path, item] of Object.entries(openapi.paths)) {
      if (!path.startsWith("/api/v1/") || path === "/api/v1/openapi.json") continue;
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        expect((operation as { security?: unknown }).security, `${method} ${path}`).toEqual([{ bearer: [] }]);
      }
    }
  });
});
