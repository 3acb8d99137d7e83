import { mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KIND_AJV_OPTIONS } from "../../src/catalog/ajv.js";
import { Catalog } from "../../src/catalog/catalog.js";
import { isCronExpression } from "../../src/catalog/cron.js";
import { precompileKinds } from "../../src/catalog/precompile.js";
import { schemaSetStamp } from "../../src/catalog/precompiled.js";

/**
 * The build step's standalone validators must answer exactly as the ones compiled at run time:
 * `gitsync validate` from a build uses the former, the server from source the latter.
 */

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

let dir: string;
let generated: { stamp: string; create(formats: object): Record<string, Validate> };
let catalog: Catalog;

beforeAll(async () => {
  // Outside the checkout, with the package's modules beside it as dist has them: the generated
  // code requires ajv's runtime helpers.
  dir = await mkdtemp(join(tmpdir(), "gitsync-precompiled-"));
  await symlink(join(process.cwd(), "node_modules"), join(dir, "node_modules"));
  const file = join(dir, "kinds.precompiled.cjs");
  await precompileKinds(file);
  generated = createRequire(import.meta.url)(file);
  catalog = await Catalog.load();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function bodies(root: string): Promise<{ folder: string; body: unknown }[]> {
  const out: { folder: string; body: unknown }[] = [];
  for (const folder of await readdir(root, { withFileTypes: true })) {
    if (!folder.isDirectory() || !catalog.byFolder(folder.name)) continue;
    for (const file of await readdir(join(root, folder.name))) {
      try {
        out.push({ folder: folder.name, body: parse(await readFile(join(root, folder.name, file), "utf8")) });
      } catch {
        // Broken YAML is the parser's case, not the validators'.
      }
    }
  }
  return out;
}

describe("precompiled kind validators", () => {
  it("give the same verdict and errors as run-time compilation on every fixture", async () => {
    const validators = generated.create({ cron: { type: "string", validate: isCronExpression } });
    const roots = [join("fixtures/configs/valid")];
    for (const group of ["invalid", "as-written"]) {
      for (const entry of await readdir(join("fixtures/configs", group), { withFileTypes: true })) {
        if (entry.isDirectory()) roots.push(join("fixtures/configs", group, entry.name));
      }
    }
    let compared = 0;
    for (const root of roots) {
      for (const { folder, body } of await bodies(root)) {
        const kind = catalog.byFolder(folder)!;
        const precompiled = validators[kind.id]!;
        expect(precompiled(body), `${root}/${folder}`).toBe(kind.validate(body));
        expect(precompiled.errors ?? null).toEqual(kind.validate.errors ?? null);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it("are stamped with the schemas' texts and ajv's setup, which any change to either changes", async () => {
    const a = [{ file: "model.schema.json", text: "{}" }];
    expect(schemaSetStamp(a)).toBe(schemaSetStamp([{ file: "model.schema.json", text: "{}" }]));
    expect(schemaSetStamp([{ file: "model.schema.json", text: "{ }" }])).not.toBe(schemaSetStamp(a));
    expect(schemaSetStamp([{ file: "job.schema.json", text: "{}" }])).not.toBe(schemaSetStamp(a));
    // So does anything else that changes what a validator does: ajv's options, keywords, formats.
    const setup = { options: { allErrors: true }, keywords: ["x-gitsync-folder"], formats: ["cron"] };
    expect(schemaSetStamp(a, setup)).toBe(schemaSetStamp(a, { ...setup }));
    expect(schemaSetStamp(a, { ...setup, options: { allErrors: false } })).not.toBe(schemaSetStamp(a, setup));
    expect(schemaSetStamp(a, { ...setup, keywords: ["x-gitsync-folder", "x-gitsync-new"] })).not.toBe(schemaSetStamp(a, setup));
    expect(schemaSetStamp(a, { ...setup, formats: ["cron", "duration"] })).not.toBe(schemaSetStamp(a, setup));
    expect(schemaSetStamp(a)).toContain(JSON.stringify(KIND_AJV_OPTIONS));
    // The generated file carries every built-in schema's exact text.
    const dir = join("src", "catalog", "kinds");
    for (const file of await readdir(dir)) expect(generated.stamp).toContain(`${file}\n${(await readFile(join(dir, file), "utf8")).length}\n`);
  });
});
