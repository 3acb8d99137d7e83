import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { packageRoot } from "../catalog/package-root.js";

/**
 * A worker thread running the module `name` of src/validation: its compiled `.js` from dist (found
 * from the package root: the bundled `gitsync validate` runs this code from another folder), or
 * its `.ts` from src (tests, tsx), where Node 20 does not carry loader hooks into worker threads,
 * so the worker registers tsx itself before loading its TypeScript entry.
 */
export function startWorker(name: string): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(join(packageRoot(), "dist", "src", "validation", `${name}.js`));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href;
  const entry = new URL(`./${name}.ts`, import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}
