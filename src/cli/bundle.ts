/**
 * Build step (`npm run build`, after tsc): bundles the compiled `gitsync validate` command with
 * the modules it loads into one file, in place of dist/src/cli/validate.js. A fresh process then
 * loads one module instead of about thirty, which took ~40 ms of the command's start-up
 * (docs/validation-performance.md). Packages stay external; source maps chain to src.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { packageRoot } from "../catalog/package-root.js";

export async function bundleValidateCommand(root: string = packageRoot()): Promise<void> {
  const file = join(root, "dist", "src", "cli", "validate.js");
  await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleValidateCommand();
