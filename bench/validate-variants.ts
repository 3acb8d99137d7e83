/**
 * The `gitsync validate` command built two ways for the benchmark, to show what the plain-subset
 * YAML reader buys: as shipped, and with that reader swapped for one that declines every file (so
 * every file takes js-yaml, the fast path's other reader). Both are bundled from src exactly as
 * `npm run build` bundles the command, into bench/.work/, and run through the same small entry.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";

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
  const { dependencies } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  // As `npm run build` bundles the command: packages stay external but croner.
  const external = Object.keys(dependencies).filter((name) => name !== "croner");
  const variant = async (name: string, plugins: Plugin[]): Promise<string> => {
    const bundle = join(work, `${name}.js`);
    await build({
      entryPoints: [join(root, "src", "cli", "validate.ts")],
      outfile: bundle,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      external,
      plugins,
      logLevel: "warning",
    });
    const entry = join(work, `${name}-main.mjs`);
    writeFileSync(entry, `const { run } = await import(${JSON.stringify(bundle)});\nprocess.exitCode = await run(process.argv.slice(2));\n`);
    return entry;
  };
  return { "with plain reader": await variant("with-plain", []), "without plain reader": await variant("without-plain", [NO_PLAIN_READER]) };
}
