/**
 * What every provider adapter needs once: adapters import these instead of writing their own,
 * and never import each other.
 */
export { commonDirectory, isUnder, normalizeDirectory } from "./paths.js";
export { changesUnder } from "./changes.js";
