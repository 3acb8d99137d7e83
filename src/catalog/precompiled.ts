import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { KIND_FORMAT_NAMES, KIND_VALIDATOR_SETUP, type KindFormats, type ValidatorSetup } from "./ajv.js";
import { packageRoot } from "./package-root.js";

/**
 * Built-in kinds' validators generated at build time (`npm run build`) as ajv standalone code,
 * next to the compiled catalog. Compiling the schemas costs a fresh process more than checking
 * thousands of files, and `gitsync validate` is a fresh process each time.
 */
export const PRECOMPILED_FILE = "kinds.precompiled.cjs";

/** Bump when the generated module's shape changes, so an older file is never used. */
const FORMAT_VERSION = "3";

interface PrecompiledModule {
  stamp: string;
  /** Formats as ajv holds them (`addFormat`'s definitions): the generated code calls `.validate`. */
  create(formats: Record<string, { type: "string"; validate: (value: string) => boolean }>): Record<string, ValidateFunction>;
}

/**
 * What the validators were generated from: the generator's format, the ajv version (its runtime
 * helpers are required by the generated code), ajv's options, the extension keywords and the
 * formats (`setup`), and each schema file's name and exact text, written out in full. A precompiled file is used only when its stamp is equal, so an edited schema is
 * never served stale. The whole text rather than a digest: comparing the texts costs nothing, while
 * loading node:crypto for a digest adds to the command's start-up.
 */
export function schemaSetStamp(schemas: readonly { file: string; text: string }[], setup: ValidatorSetup = KIND_VALIDATOR_SETUP): string {
  const ajvVersion = (createRequire(import.meta.url)("ajv/package.json") as { version: string }).version;
  let stamp = `gitsync-kinds ${FORMAT_VERSION} ajv ${ajvVersion}\n`;
  stamp += `options ${JSON.stringify(setup.options)}\nkeywords ${setup.keywords.join(" ")}\nformats ${setup.formats.join(" ")}\n`;
  for (const { file, text } of schemas) stamp += `${basename(file)}\n${text.length}\n${text}\n`;
  return stamp;
}

/**
 * Where the build writes the generated validators: beside the compiled catalog module. Found from
 * the package root, not from this module, since the bundled `gitsync validate` runs this code from
 * another folder. Run from source there is none to use (the build may be stale).
 */
function precompiledFile(): string | null {
  if (import.meta.url.endsWith(".ts")) return null;
  return join(packageRoot(), "dist", "src", "catalog", PRECOMPILED_FILE);
}

/**
 * The built-in validators, by kind id, when a precompiled file exists beside this module and was
 * generated from exactly these schemas; null otherwise (the caller compiles at run time).
 */
export function loadPrecompiled(stamp: string, formats: KindFormats): Record<string, ValidateFunction> | null {
  const file = precompiledFile();
  if (file === null || !existsSync(file)) return null;
  const module = createRequire(import.meta.url)(file) as Partial<PrecompiledModule>;
  if (module.stamp !== stamp || typeof module.create !== "function") return null;
  return module.create(Object.fromEntries(KIND_FORMAT_NAMES.map((name) => [name, { type: "string", validate: formats[name] }])));
}
