import { createRequire } from "node:module";
import { basename } from "node:path";
import { KIND_VALIDATOR_SETUP, type ValidatorSetup } from "./ajv.js";

/**
 * Built-in kinds' validators generated at build time (`npm run build`) as ajv standalone code,
 * next to the compiled catalog. Compiling the schemas costs a fresh process more than checking
 * thousands of files, and `gitsync validate` is a fresh process each time.
 */
export const PRECOMPILED_FILE = "kinds.precompiled.cjs";

/** Bump when the generated module's shape changes, so an older file is never used. */
const FORMAT_VERSION = "4";

/**
 * What the validators were generated from: the generator's format, the ajv version (its runtime
 * helpers are required by the generated code), ajv's options, the extension keywords and the
 * formats (`setup`), and each schema file's name and exact text, written out in full. A
 * precompiled file is used only when its stamp is equal, so an edited schema is never served
 * stale. The whole text rather than a digest: comparing the texts costs nothing, while loading
 * node:crypto for a digest adds to the command's start-up.
 */
export function schemaSetStamp(schemas: readonly { file: string; text: string }[], setup: ValidatorSetup = KIND_VALIDATOR_SETUP): string {
  const ajvVersion = (createRequire(import.meta.url)("ajv/package.json") as { version: string }).version;
  let stamp = `gitsync-kinds ${FORMAT_VERSION} ajv ${ajvVersion}\n`;
  stamp += `options ${JSON.stringify(setup.options)}\nkeywords ${setup.keywords.join(" ")}\nformats ${setup.formats.join(" ")}\n`;
  for (const { file, text } of schemas) stamp += `${basename(file)}\n${text.length}\n${text}\n`;
  return stamp;
}
