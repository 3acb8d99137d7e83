/**
 * Worker thread entry of `TreeReader`: reads files of a job from the front while the main thread
 * takes them from the back, each file claimed in shared memory by whichever thread gets there
 * first, and sends its bytes back in batches (each one transferred buffer). It loads nothing but
 * the reader: its start-up stays short.
 */
import { parentPort, type MessagePort } from "node:worker_threads";
import { MAX_FILE_BYTES } from "./limits.js";
import { readCappedInto } from "./read-capped.js";

export interface ReadJob {
  /** File paths, claimed from the front by this thread. */
  files: string[];
  /**
   * One slot per file (0 free, else claimed), then one counter of batches posted, which the
   * main thread waits on.
   */
  claims: Int32Array;
  /** Where batches go (read synchronously by the main thread). */
  port: MessagePort;
}

export interface ReadBatch {
  /** Index (in the job's files) of the batch's first file; the batch's files follow in order. */
  first: number;
  /** Where each file's bytes end in `data`; -1 when it could not be read (the caller retries it). */
  ends: Int32Array;
  data: ArrayBuffer;
}

/** A first batch this small lets the main thread start parsing at once; later ones are larger. */
const FIRST_BATCH_FILES = 32;
const BATCH_FILES = 256;
const BATCH_BYTES = 512 * 1024;

parentPort?.on("message", (job: ReadJob) => readFromFront(job));
// Started: `TreeReader.started()` waits for this.
parentPort?.postMessage("started");

function readFromFront({ files, claims, port }: ReadJob): void {
  const posted = files.length;
  // Files are read straight into the batch: room for a whole batch, then for one more file of the
  // largest size read.
  const data = Buffer.allocUnsafe(BATCH_BYTES + MAX_FILE_BYTES + 1);
  let ends: number[] = [];
  let used = 0;
  let first = 0;
  let limit = FIRST_BATCH_FILES;
  const flush = (): void => {
    // Copies of the used part (small next to the reads): the batch buffer is reused.
    const copy = new ArrayBuffer(used);
    new Uint8Array(copy).set(data.subarray(0, used));
    const endsBuffer = new ArrayBuffer(ends.length * Int32Array.BYTES_PER_ELEMENT);
    new Int32Array(endsBuffer).set(ends);
    const batch: ReadBatch = { first, ends: new Int32Array(endsBuffer), data: copy };
    port.postMessage(batch, [copy, endsBuffer]);
    Atomics.add(claims, posted, 1);
    Atomics.notify(claims, posted);
    first += ends.length;
    ends = [];
    used = 0;
    limit = BATCH_FILES;
  };
  // Up to the first file the main thread has claimed from the back: all after it are its own.
  for (let i = 0; i < files.length && Atomics.compareExchange(claims, i, 0, 1) === 0; i++) {
    try {
      used += readCappedInto(files[i] as string, data, used);
      ends.push(used);
    } catch {
      // Read again by the caller, which then reports why it failed.
      ends.push(-1);
    }
    if (ends.length >= limit || used >= BATCH_BYTES) flush();
  }
  if (ends.length > 0) flush();
  port.close();
}
