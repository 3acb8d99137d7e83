import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../../catalog/package-root.js";
import { sourceBuildsDir, writeWhole } from "../../../catalog/source-builds.js";

/**
 * Run from source (tests, tsx), the hook module is built with esbuild once per process, named by
 * its content, instead of being run through tsx's loader: the loader cost several times the hook
 * itself on every push. A build never comes here: it runs dist's run.js.
 */
let built: Promise<string> | undefined;

export function hookFromSource(): Promise<string> {
  built ??= buildHook().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}

/** esbuild is a dev dependency, there whenever sources run; a variable keeps the bundle off it. */
const ESBUILD = "esbuild";

async function buildHook(): Promise<string> {
  const entry = join(packageRoot(), "src", "providers", "local", "hook", "run.ts");
  const { build } = (await import(ESBUILD)) as typeof import("esbuild");
  const result = await build({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", target: "node20", write: false, logLevel: "silent" });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error("esbuild wrote no hook module");
  const script = join(await sourceBuildsDir(), `hook-${createHash("sha256").update(text).digest("hex").slice(0, 16)}.mjs`);
  if (!existsSync(script)) await writeWhole(script, text);
  return script;
}
