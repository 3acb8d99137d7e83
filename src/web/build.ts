import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { packageRoot } from "../catalog/package-root.js";

/**
 * Bundles the web UI into `outDir` (index.html, assets/app.js, assets/app.css). Runs from the
 * sources under src/web whether this file runs compiled or through tsx, so tests can build
 * into a temporary folder without `npm run build`.
 */
export async function buildWeb(outDir: string = join(packageRoot(), "dist", "web")): Promise<void> {
  const source = join(packageRoot(), "src", "web");
  await mkdir(join(outDir, "assets"), { recursive: true });
  await build({
    entryPoints: [join(source, "main.js")],
    outfile: join(outDir, "assets", "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
  });
  await copyFile(join(source, "static", "index.html"), join(outDir, "index.html"));
  await copyFile(join(source, "static", "app.css"), join(outDir, "assets", "app.css"));
  await copyFile(join(source, "static", "favicon.svg"), join(outDir, "assets", "favicon.svg"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWeb();
}
