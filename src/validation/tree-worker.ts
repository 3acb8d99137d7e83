/**
 * Worker thread entry of `readConfigTree`: loads the same kinds as the main thread, reads and
 * checks its share of the files, and sends back the bytes (one transferred buffer) and the bodies
 * of the files that are valid on their own. Cross-file rules stay in the main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Catalog } from "../catalog/catalog.js";
import { checkShare } from "./tree-share.js";

export interface TreeWorkerInput {
  dir: string;
  paths: string[];
  extraDir?: string;
}

export interface TreeWorkerOutput {
  /** All files' bytes end to end. */
  data: ArrayBuffer;
  /** Where each file's bytes end in `data`; -1 when it could not be read. */
  ends: number[];
  bodies: ReturnType<typeof checkShare>["bodies"];
}

const input = workerData as TreeWorkerInput;
const catalog = await Catalog.load(input.extraDir !== undefined ? { extraDir: input.extraDir } : {});
const { contents, bodies } = checkShare(catalog, input.dir, input.paths);

let total = 0;
for (const content of contents) total += content?.byteLength ?? 0;
// A buffer of its own (not a slice of Node's shared pool), so it can be transferred.
const data = new ArrayBuffer(total);
const bytes = new Uint8Array(data);
const ends: number[] = [];
let offset = 0;
for (const content of contents) {
  if (content === null) {
    ends.push(-1);
    continue;
  }
  bytes.set(content, offset);
  offset += content.byteLength;
  ends.push(offset);
}
const output: TreeWorkerOutput = { data, ends, bodies };
parentPort?.postMessage(output, [data]);
