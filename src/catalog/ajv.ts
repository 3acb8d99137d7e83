import type { Ajv2020, Options } from "ajv/dist/2020.js";

/** The extension keywords kind schemas may use; declared so ajv's strict mode still rejects typos. */
export const EXTENSION_KEYWORDS: readonly string[] = ["x-gitsync-folder", "x-gitsync-ref", "x-gitsync-secret", "x-gitsync-exported"];

/** Formats the kind schemas use beyond ajv's own: one set per catalog (the cron answers are memoised). */
export interface KindFormats {
  cron: (value: string) => boolean;
}

/** The formats' names, in the order they are added to ajv. */
export const KIND_FORMAT_NAMES: readonly (keyof KindFormats)[] = ["cron"];

/**
 * The ajv options kind schemas are compiled with, at run time and when precompiled at build time:
 * both must be the same, or a precompiled validator would answer differently.
 */
export const KIND_AJV_OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  allowUnionTypes: true,
  // if/then branches legitimately omit `type`; strict keyword checking stays on.
  strictTypes: false,
};

/**
 * An ajv instance ready for kind schemas. ajv is loaded here, on demand: a catalog whose built-in
 * validators were precompiled never needs its compiler, whose modules are slow to load.
 */
export async function kindAjv(formats: KindFormats, options: Options = {}): Promise<Ajv2020> {
  // The CommonJS module's exports object, which Node and the bundle both give as `default`
  // (the bundle gives no named exports for a module it loads on demand).
  const { Ajv2020 } = (await import("ajv/dist/2020.js")).default;
  const ajv = new Ajv2020({ ...KIND_AJV_OPTIONS, ...options });
  ajv.addVocabulary([...EXTENSION_KEYWORDS]);
  for (const name of KIND_FORMAT_NAMES) ajv.addFormat(name, { type: "string", validate: formats[name] });
  return ajv;
}

/**
 * Everything besides the schemas that decides what a compiled validator does: a precompiled
 * validator is used only when all of it is what it was generated with.
 */
export interface ValidatorSetup {
  options: Options;
  keywords: readonly string[];
  formats: readonly string[];
}

export const KIND_VALIDATOR_SETUP: ValidatorSetup = { options: KIND_AJV_OPTIONS, keywords: EXTENSION_KEYWORDS, formats: KIND_FORMAT_NAMES };
