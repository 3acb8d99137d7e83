/**
 * Build step (`npm run build`, after tsc): bundles the compiled `gitsync validate` command with
 * the modules it loads into one file, in place of dist/src/cli/validate.js. A fresh process then
 * loads one module instead of dozens, each a file to find and compile at start-up. Packages stay
 * external but croner, which every tree with a cron schedule needs: resolved from node_modules as
 * its own module it added to the start-up too.
 * Source maps chain to src.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { packageRoot } from "../catalog/package-root.js";

/** Packages bundled into the command rather than loaded from node_modules. */
const INLINED = new Set(["croner"]);

export async function bundleValidateCommand(root: string = packageRoot()): Promise<void> {
  const file = join(root, "dist", "src", "cli", "validate.js");
  const { dependencies } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // A package name also covers its subpaths (`ajv/dist/...`).
    external: Object.keys(dependencies).filter((name) => !INLINED.has(name)),
    sourcemap: true,
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleValidateCommand();
