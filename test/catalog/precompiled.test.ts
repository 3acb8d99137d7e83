import { readFileSync, statSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { KIND_AJV_OPTIONS, kindAjv } from "../../src/catalog/ajv.js";
import { Catalog } from "../../src/catalog/catalog.js";
import { isCronExpression } from "../../src/catalog/cron.js";
import { precompileKinds } from "../../src/catalog/precompile.js";
import { schemaSetStamp } from "../../src/catalog/precompiled-stamp.js";
import { sourceBuildsDir } from "../../src/catalog/source-builds.js";

/**
 * The build step's standalone validators must answer exactly as the ones compiled at run time:
 * every catalog of the built-in kinds uses the former, a catalog with extra kinds the latter.
 */

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

let dir: string;
let generated: { stamp: string; create(formats: object, require: NodeJS.Require): Record<string, Validate> };
let catalog: Catalog;
let compiled: Map<string, Validate>;

beforeAll(async () => {
  // Outside the checkout, with no modules beside it: the generated code's requires of ajv's
  // runtime helpers go through the `require` it is given.
  dir = await mkdtemp(join(tmpdir(), "gitsync-precompiled-"));
  const file = join(dir, "kinds.precompiled.cjs");
  await precompileKinds(file);
  generated = createRequire(import.meta.url)(file);
  catalog = await Catalog.load();
  const ajv = await kindAjv({ cron: isCronExpression });
  compiled = new Map(catalog.kinds().map((kind) => [kind.id, ajv.compile(JSON.parse(readFileSync(kind.source, "utf8")) as object)]));
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
    const validators = generated.create({ cron: { type: "string", validate: isCronExpression } }, createRequire(import.meta.url));
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
        const atRunTime = compiled.get(kind.id)!;
        expect(precompiled(body), `${root}/${folder}`).toBe(atRunTime(body));
        expect(precompiled.errors ?? null).toEqual(atRunTime.errors ?? null);
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

  it("are what a catalog of the built-in kinds runs from source too, made once into this user's private folder", async () => {
    const dir = await sourceBuildsDir();
    expect(statSync(dir).mode & 0o077).toBe(0);
    const stamps = (await readdir(dir)).filter((name) => /^kinds-[0-9a-f]{16}\.cjs$/.test(name));
    const made = stamps.map((name) => (createRequire(import.meta.url)(join(dir, name)) as { stamp: string }).stamp);
    expect(made).toContain(generated.stamp);
    // An ajv-compiled validator carries its schema environment; a standalone one does not.
    for (const kind of catalog.kinds()) expect("schemaEnv" in kind.validate, kind.id).toBe(false);
    expect("schemaEnv" in compiled.get("model")!).toBe(true);
  });

  it("are never taken from a temporary folder another account could write to", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "gitsync-shared-tmp-"));
    try {
      await mkdir(join(tmp, `gitsync-builds-${process.getuid!()}`), { mode: 0o777 });
      await chmod(join(tmp, `gitsync-builds-${process.getuid!()}`), 0o777);
      vi.stubEnv("TMPDIR", tmp);
      await expect(sourceBuildsDir()).rejects.toThrow(/only it can write/);
    } finally {
      vi.unstubAllEnvs();
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
