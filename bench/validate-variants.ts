/**
 * The `gitsync validate` command built two ways for the benchmark, to show what the plain-subset
 * YAML reader buys: as shipped, and with that reader swapped for one that declines every file (so
 * every file takes js-yaml, the fast path's other reader). Both are bundled from src exactly as
 * `npm run build` bundles the command, into bench/.work/, and run through the same small entry.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { bundleSettings } from "../src/cli/bundle.js";

const NO_PLAIN_READER: Plugin = {
  name: "no-plain-yaml-reader",
  setup(b) {
    b.onResolve({ filter: /[/\\]plain-yaml\.js$/ }, () => ({ path: "plain-yaml", namespace: "bench-stub" }));
    b.onLoad({ filter: /.*/, namespace: "bench-stub" }, () => ({ contents: "export function readPlainYaml() { return null; }", loader: "js" }));
  },
};

/** Entry scripts (run with `node <entry> <dir> ...args`) for each variant, keyed by name. */
export async function buildVariants(root: string): Promise<Record<"with plain reader" | "without plain reader", string>> {
  const work = join(root, "bench", ".work", "validate-variants");
  mkdirSync(work, { recursive: true });
  const variant = async (name: string, plugins: Plugin[]): Promise<string> => {
    const bundle = join(work, `${name}.js`);
    // With the build's settings, as one file: the build splits the command into chunks.
    await build({ ...bundleSettings(), entryPoints: [join(root, "src", "cli", "validate.ts")], outfile: bundle, plugins });
    const entry = join(work, `${name}-main.mjs`);
    writeFileSync(entry, `const { run } = await import(${JSON.stringify(bundle)});\nprocess.exitCode = await run(process.argv.slice(2));\n`);
    return entry;
  };
  return { "with plain reader": await variant("with-plain", []), "without plain reader": await variant("without-plain", [NO_PLAIN_READER]) };
}
