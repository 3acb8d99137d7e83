import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The nearest folder at or above `from` holding a package.json. Schema files are data, not
 * compiled code, so they are found from the package root: this works the same from src (tsx,
 * vitest) and from the compiled dist/src.
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
}

/** The folder holding the built-in kind schemas. */
export function builtinKindsDir(): string {
  return join(packageRoot(), "src", "catalog", "kinds");
}
