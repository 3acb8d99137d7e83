import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * The `yaml` package, loaded on first use. It is only needed for files that fail the fast path
 * and for writing files, and loading it is a large share of a fresh `gitsync validate` that a clean tree
 * never needs. Under Node it is a CommonJS package (its ESM entry is for browsers), so `require`
 * returns the very module a static import would; Node's module cache makes later calls cheap.
 */
export function yaml(): typeof import("yaml") {
  return require("yaml") as typeof import("yaml");
}
