import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { KIND_FORMAT_NAMES, type KindFormats } from "./ajv.js";
import { packageRoot } from "./package-root.js";
import { PRECOMPILED_FILE } from "./precompiled-stamp.js";

interface PrecompiledModule {
  stamp: string;
  /** Formats as ajv holds them (`addFormat`'s definitions): the generated code calls `.validate`. */
  create(formats: Record<string, { type: "string"; validate: (value: string) => boolean }>, require: NodeJS.Require): Record<string, ValidateFunction>;
}

/**
 * Where the validators are: built, beside the compiled catalog (found from the package root, not
 * from this module, since the bundled `gitsync validate` runs this code from another folder).
 * Run from source, there is no build to trust (it may be stale): the module is generated on
 * first use into a private folder, named by the stamp, and reused by later processes.
 */
async function precompiledFile(stamp: string): Promise<string> {
  if (!import.meta.url.endsWith(".ts")) return join(packageRoot(), "dist", "src", "catalog", PRECOMPILED_FILE);
  const { createHash } = await import("node:crypto");
  const { sourceBuildsDir, writeWhole } = await import("./source-builds.js");
  const file = join(await sourceBuildsDir(), `kinds-${createHash("sha256").update(stamp).digest("hex").slice(0, 16)}.cjs`);
  if (!existsSync(file)) await writeWhole(file, await (await import("./precompile.js")).precompiledModule());
  return file;
}

/**
 * The built-in validators, by kind id, when a precompiled module was generated from exactly these
 * schemas; null otherwise (the caller compiles at run time).
 */
export async function loadPrecompiled(stamp: string, formats: KindFormats): Promise<Record<string, ValidateFunction> | null> {
  const file = await precompiledFile(stamp);
  if (!existsSync(file)) return null;
  const require = createRequire(import.meta.url);
  const module = require(file) as Partial<PrecompiledModule>;
  if (module.stamp !== stamp || typeof module.create !== "function") return null;
  return module.create(Object.fromEntries(KIND_FORMAT_NAMES.map((name) => [name, { type: "string", validate: formats[name] }])), require);
}
