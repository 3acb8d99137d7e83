/**
 * Build step (`npm run build`, after tsc): bundles the compiled `gitsync` command with the
 * modules and packages it loads. Each subcommand becomes a chunk loaded on demand, so
 * `gitsync validate` still never loads the server. A process that loads a few large files
 * instead of hundreds of small ones (each found, read and compiled on its own) starts much
 * sooner, with much less CPU: every `gitsync serve`, every restart and every CLI call
 * (`npm run bench -- start` measures it).
 * Source maps chain to src.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions } from "esbuild";
import { packageRoot } from "../catalog/package-root.js";

/**
 * Packages loaded from node_modules at run time rather than bundled, each for a reason that
 * holds for the package as published:
 * - better-sqlite3 and pg's optional pg-native are native addons;
 * - pino starts its transports in worker threads from its own files;
 * - azure-devops-node-api reads its own package.json through `__dirname`, which a bundled ES
 *   module does not have.
 */
export const RUNTIME_PACKAGES = ["better-sqlite3", "pg-native", "pino", "pino-pretty", "azure-devops-node-api"];

/** What the build and the benchmark's variants bundle with. */
export function bundleSettings(): BuildOptions {
  return {
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // A package name also covers its subpaths (`ajv/dist/...`).
    external: RUNTIME_PACKAGES,
    // CommonJS packages bundled into an ES module still call `require` for Node's modules.
    banner: { js: 'import { createRequire as gitsyncCreateRequire } from "node:module";\nconst require = gitsyncCreateRequire(import.meta.url);' },
    logLevel: "warning",
  };
}

export async function bundleCommands(root: string = packageRoot()): Promise<void> {
  const cli = join(root, "dist", "src", "cli");
  await build({
    ...bundleSettings(),
    entryPoints: [join(cli, "main.js")],
    outdir: cli,
    allowOverwrite: true,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: true,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCommands();
