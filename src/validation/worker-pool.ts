import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Catalog } from "../catalog/catalog.js";
import type { ShareResult } from "./tree-share.js";
import type { TreeWorkerInput, TreeWorkerOutput } from "./tree-worker.js";

function startWorker(workerData: TreeWorkerInput): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./tree-worker.js", import.meta.url), { workerData });
  // Running from src: Node 20 does not carry loader hooks (tsx, a test runner's) into worker
  // threads, so the worker registers tsx itself before loading its TypeScript entry.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href;
  const entry = new URL("./tree-worker.ts", import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/** Reads and checks one share of the files in a worker thread. Rejects if the thread cannot run. */
export function checkShareInWorker(catalog: Catalog, dir: string, paths: string[]): Promise<ShareResult> {
  const input: TreeWorkerInput = { dir, paths, ...catalog.options };
  return new Promise((resolve, reject) => {
    const worker = startWorker(input);
    let settled = false;
    worker.once("message", (output: TreeWorkerOutput) => {
      settled = true;
      resolve(unpack(output));
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`validation worker exited with code ${code} before answering`));
    });
  });
}

function unpack(output: TreeWorkerOutput): ShareResult {
  const data = Buffer.from(output.data);
  let start = 0;
  const contents = output.ends.map((end) => {
    if (end < 0) return null;
    const content = data.subarray(start, end);
    start = end;
    return content;
  });
  return { contents, bodies: output.bodies };
}
