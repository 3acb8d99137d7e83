import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import type { Kind } from "../../src/catalog/kind.js";
import type { JsonObject } from "../../src/core/types.js";
import { applyMergePatch, requirePatchObject } from "../../src/server/merge-patch.js";
import { keepSecrets } from "../../src/server/routes/resource-write.js";

describe("applyMergePatch", () => {
  // RFC 7396, appendix A, the cases whose target and patch are objects.
  const cases: [JsonObject, JsonObject, JsonObject][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];

  it("follows the RFC's examples", () => {
    for (const [target, patch, result] of cases) expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it("never changes the stored value it is given", () => {
    const json = fc.jsonValue() as fc.Arbitrary<never>;
    const object = fc.dictionary(fc.string(), json) as fc.Arbitrary<JsonObject>;
    fc.assert(
      fc.property(object, object, (target, patch) => {
        const before = structuredClone(target);
        applyMergePatch(target, patch);
        expect(target).toEqual(before);
      }),
    );
  });

  it("refuses a patch that is not an object, or names a prototype key, saying where", () => {
    for (const bad of [null, [], "x", 3]) expect(() => requirePatchObject(bad)).toThrow(/must be a JSON object/);
    expect(() => requirePatchObject(undefined)).toThrow(/required/);
    expect(() => requirePatchObject(JSON.parse('{"a": {"__proto__": {"polluted": true}}}'))).toThrow(/a\.__proto__/);
    expect(() => requirePatchObject({ a: { constructor: 1 } })).toThrow(/a\.constructor/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("keepSecrets", () => {
  it("keeps a built-in kind's secret left out of a body, and takes a new one given", async () => {
    const kind = (await Catalog.load()).byId("cluster-definition")!;
    const stored = { name: "c", type: "spark", configuration: { workers: 1, accessToken: "old" } };
    expect(keepSecrets(kind, stored, { name: "c", type: "spark", configuration: { workers: 2 } })).toEqual({
      name: "c",
      type: "spark",
      configuration: { workers: 2, accessToken: "old" },
    });
    expect(keepSecrets(kind, stored, { name: "c", type: "spark", configuration: { accessToken: "new" } }).configuration).toEqual({ accessToken: "new" });
    // A body without the secret's parent object drops the secret with it: nothing to carry into.
    expect(keepSecrets(kind, stored, { name: "c", type: "spark" })).toEqual({ name: "c", type: "spark" });
    expect(keepSecrets(kind, undefined, { name: "c", type: "spark" })).toEqual({ name: "c", type: "spark" });
  });

  it("carries secrets inside arrays item by item and under any object key", () => {
    const kind = { secrets: [["tasks", "*", "token"], ["vaults", "*", "key"]] } as unknown as Kind;
    const stored = { tasks: [{ token: "t0" }, { token: "t1" }], vaults: { a: { key: "ka" }, b: { key: "kb" } } };
    const input: JsonObject = { tasks: [{ n: 0 }, { n: 1, token: "new" }, { n: 2 }], vaults: { a: {}, c: {} } };
    expect(keepSecrets(kind, stored, input)).toEqual({
      tasks: [{ n: 0, token: "t0" }, { n: 1, token: "new" }, { n: 2 }],
      vaults: { a: { key: "ka" }, c: {} },
    });
  });
});
