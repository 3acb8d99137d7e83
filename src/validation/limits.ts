/** The largest config file read; a larger one is an error, not read further. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** More aliases than this in one file is an expansion attack ("billion laughs"), not config. */
export const MAX_ALIAS_COUNT = 100;
/**
 * The deepest nesting of mappings and lists a resource may have, counting its top-level mapping
 * as one. Real kinds need under ten levels; beyond this, recursive code (schema checks,
 * serialisation, copies) could run out of stack, so deeper input is refused wherever it enters.
 */
export const MAX_DEPTH = 64;
