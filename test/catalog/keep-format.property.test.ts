import fc from "fast-check";
import { parse, parseDocument, visit, isScalar, Scalar } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { resourcePath, serializeResource } from "../../src/catalog/serialize.js";
import { DEFAULT_GIT_CONNECTION, type FileFormat, type GitConnection, type JsonObject, type JsonValue, type Resource } from "../../src/core/index.js";
import { diffTenantWithTree } from "../../src/sync/tenant-diff.js";

/**
 * The round-trip guarantee over generated tenants and files a person reworked by hand
 * (comments, blank lines, keys reordered, strings quoted; JSON keys reordered and re-indented):
 * with no change the branch needs no commit; with one field changed the one file's diff is
 * exactly that field's line.
 */

const RUNS = 200;

let catalog: Catalog;
beforeAll(async () => {
  catalog = await Catalog.load();
});

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,9}$/);
// Values that need quoting now and then: a colon and space, leading digits, `yes`, spaces.
const text = fc.oneof(word, fc.stringMatching(/^[a-zA-Z0-9 :._/-]{1,16}$/), fc.constantFrom("yes", "123", "a: b", " padded ", "null"));
const comment = fc.stringMatching(/^[A-Za-z0-9 ,.!?'-]{0,24}$/);

const model = fc.record({
  name: word,
  source: word,
  type: fc.constant("table"),
  dbtModel: fc.constant(null),
  tableName: text,
  isSchema: fc.constant(false),
  primaryKey: text,
  project: word,
});
const sync = fc.record({
  model: word,
  destination: word,
  config: fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z]{0,7}$/), fc.oneof(text, fc.integer(), fc.boolean()), { minKeys: 1, maxKeys: 5 }),
  schedule: fc.oneof(
    fc.constant(null),
    fc.record({ type: fc.constant("interval"), every: fc.constantFrom("15m", "2h", "1d") }),
    fc.record({ type: fc.constant("cron"), expression: fc.constantFrom("0 6 * * 1-5", "*/5 * * * *") }),
  ),
  schedulePaused: fc.boolean(),
  project: word,
});
const fileDefinition = fc.record({
  name: word,
  type: fc.constantFrom("csv", "json"),
  filePath: text,
  extension: word,
  delimiter: fc.constantFrom(",", ";", "|"),
  hasHeader: fc.boolean(),
});
const resourceArb = fc.oneof(
  model.map((body) => ({ kind: "model", body: body })),
  sync.map((body) => ({ kind: "sync", body: body })),
  fileDefinition.map((body) => ({ kind: "file-definition", body: body })),
);

/** How a person reworks a file: one choice list per mapping, read in turn. */
const rework = fc.record({
  rank: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 40, maxLength: 40 }),
  before: fc.array(fc.option(comment), { minLength: 40, maxLength: 40 }),
  after: fc.array(fc.option(comment), { minLength: 40, maxLength: 40 }),
  blank: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  quote: fc.array(fc.constantFrom(Scalar.PLAIN, Scalar.QUOTE_DOUBLE, Scalar.QUOTE_SINGLE), { minLength: 40, maxLength: 40 }),
  wideComments: fc.boolean(),
  indent: fc.constantFrom<number | "\t">(2, 4, "\t"),
  newline: fc.boolean(),
});
type Rework = typeof rework extends fc.Arbitrary<infer T> ? T : never;

function reworkYaml(canonical: string, how: Rework): string {
  const doc = parseDocument(canonical);
  let n = 0;
  visit(doc, {
    Map(_, map) {
      const ranks = new Map(map.items.map((pair, i) => [pair, how.rank[(n + i) % 40]!]));
      map.items.sort((a, b) => ranks.get(a)! - ranks.get(b)!);
      for (const pair of map.items) {
        const i = n++ % 40;
        if (isScalar(pair.key)) {
          if (how.before[i] != null) pair.key.commentBefore = ` ${how.before[i]}`;
          pair.key.spaceBefore = how.blank[i]! && map.items[0] !== pair;
        }
        if (isScalar(pair.value) && typeof pair.value.value === "string") pair.value.type = how.quote[i]!;
        if (isScalar(pair.value) && how.after[i] != null) pair.value.comment = ` ~${how.after[i]}`;
      }
    },
  });
  const out = doc.toString({ lineWidth: 0 });
  // Spacing before a comment that the printer would not reproduce: kept all the same.
  return how.wideComments ? out.replace(/ #~/g, "    #~") : out;
}

function shuffleJson(value: JsonValue, how: Rework, counter: { n: number }): JsonValue {
  if (Array.isArray(value)) return value.map((v) => shuffleJson(v, how, counter));
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value).sort((a, b) => how.rank[(counter.n + a.length) % 40]! - how.rank[(counter.n + b.length) % 40]!);
  counter.n += 1;
  return Object.fromEntries(keys.map((k) => [k, shuffleJson(value[k]!, how, counter)]));
}

function reworkJson(body: JsonObject, how: Rework): string {
  const out = JSON.stringify(shuffleJson(body, how, { n: 0 }), null, how.indent);
  return how.newline ? `${out}\n` : out;
}

/** Every string field of a body, as paths (top level and inside nested objects). */
function stringPaths(value: JsonObject, at: string[] = []): string[][] {
  return Object.entries(value).flatMap(([k, v]) => {
    if (typeof v === "string") return [[...at, k]];
    if (v && typeof v === "object" && !Array.isArray(v)) return stringPaths(v, [...at, k]);
    return [];
  });
}

function withField(body: JsonObject, path: string[], value: string): JsonObject {
  const copy = structuredClone(body);
  let node: JsonObject = copy;
  for (const key of path.slice(0, -1)) node = node[key] as JsonObject;
  node[path[path.length - 1]!] = value;
  return copy;
}

function resourceOf(kind: string, name: string, body: JsonObject): Resource {
  return { kind, name, body, version: 1, project: null, archived: false, updatedBy: "test", updatedAt: "" };
}

const tenantArb = fc.uniqueArray(fc.record({ name: word, resource: resourceArb, how: rework }), {
  minLength: 1,
  maxLength: 4,
  selector: (r) => `${r.resource.kind}/${r.name}`,
});

type TenantItems = typeof tenantArb extends fc.Arbitrary<infer T> ? T : never;

function tenantWith(format: FileFormat, items: TenantItems) {
  const git: GitConnection = { ...DEFAULT_GIT_CONNECTION, format };
  const resources = items.map((i) => resourceOf(i.resource.kind, i.name, i.resource.body));
  const files = items.map((i) => {
    const folder = catalog.byId(i.resource.kind)!.folder;
    const canonical = serializeResource(catalog, i.resource.kind, i.resource.body, format);
    const content = format === "json" ? reworkJson(JSON.parse(canonical) as JsonObject, i.how) : reworkYaml(canonical, i.how);
    return { path: resourcePath("", folder, i.name, format), content };
  });
  return { git, resources, files };
}

/** Files as a provider hands them over: bytes, as read from git. */
const asBytes = (files: readonly { path: string; content: string }[]) => files.map((f) => ({ path: f.path, content: Buffer.from(f.content, "utf8") }));

describe.each<FileFormat>(["yaml", "json"])("files a person reworked (%s)", (format) => {
  it("a tenant that did not change needs no commit: every file stays byte for byte", () => {
    fc.assert(
      fc.property(tenantArb, (items) => {
        const { git, resources, files } = tenantWith(format, items);
        for (const [i, file] of files.entries()) {
          expect(parse(file.content)).toEqual(parse(serializeResource(catalog, items[i]!.resource.kind, items[i]!.resource.body, format)));
        }
        expect(diffTenantWithTree({ catalog, git, resources, files: asBytes(files) }).changes).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it("one changed field changes only that field's line of that one file", () => {
    fc.assert(
      fc.property(tenantArb, fc.nat(), fc.nat(), text, (items, pick, field, value) => {
        const { git, resources, files } = tenantWith(format, items);
        const target = pick % items.length;
        const paths = stringPaths(resources[target]!.body);
        const path = paths[field % paths.length]!;
        const old = resources[target]!.body;
        fc.pre(JSON.stringify(withField(old, path, value)) !== JSON.stringify(old));
        resources[target] = resourceOf(resources[target]!.kind, resources[target]!.name, withField(old, path, value));

        const { changes } = diffTenantWithTree({ catalog, git, resources, files: asBytes(files) });
        expect(changes).toHaveLength(1);
        const change = changes[0]!;
        expect(change.action === "upsert" && change.path).toBe(files[target]!.path);
        const before = files[target]!.content.split("\n");
        const after = (change as { content: string }).content.split("\n");
        expect(after).toHaveLength(before.length);
        const differing = before.map((line, i) => (line === after[i] ? -1 : i)).filter((i) => i >= 0);
        expect(differing).toHaveLength(1);
        const key = path[path.length - 1]!;
        expect(before[differing[0]!]).toContain(format === "json" ? `"${key}":` : `${key}:`);
        expect(parse((change as { content: string }).content)).toEqual(parse(serializeResource(catalog, resources[target].kind, resources[target].body, format)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("files the app wrote", () => {
  it("stay canonical when the app changes them, but for the quotes a changed string keeps", () => {
    fc.assert(
      fc.property(resourceArb, resourceArb, (a, b) => {
        fc.pre(a.kind === b.kind);
        for (const format of ["yaml", "json"] as const) {
          const git: GitConnection = { ...DEFAULT_GIT_CONNECTION, format };
          const path = resourcePath("", catalog.byId(a.kind)!.folder, "r", format);
          const files = [{ path, content: serializeResource(catalog, a.kind, a.body, format) }];
          const { changes } = diffTenantWithTree({ catalog, git, resources: [resourceOf(b.kind, "r", b.body)], files: asBytes(files) });
          const fresh = serializeResource(catalog, b.kind, b.body, format);
          if (fresh === files[0]!.content) expect(changes).toEqual([]);
          else {
            // The one liberty: a changed string keeps the quotes its old value needed.
            const unquoted = (t: string) => t.replace(/["']/g, "");
            const written = (changes[0] as { content: string }).content;
            expect(changes).toHaveLength(1);
            expect(unquoted(written)).toBe(unquoted(fresh));
            expect(parse(written)).toEqual(parse(fresh));
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
