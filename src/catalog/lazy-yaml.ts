import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * The `yaml` package, loaded on first use. It is only needed for files that fail the fast path
 * and for writing files, and loading it costs a fresh `gitsync validate` ~80 ms that a clean tree
 * never needs. Under Node it is a CommonJS package (its ESM entry is for browsers), so `require`
 * returns the very module a static import would; Node's module cache makes later calls cheap.
 */
export function yaml(): typeof import("yaml") {
  return require("yaml") as typeof import("yaml");
}
