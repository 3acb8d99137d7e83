/**
 * Keys no config file may hold: assigned to a plain object they would reach its prototype. The
 * full path reports each one (`forbidden-key`); the fast readers decline a file holding one, so
 * that report always comes from the full path.
 */
export const REFUSED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
