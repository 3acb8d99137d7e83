/**
 * Worker thread entry of `TreeReader`: reads the files it is sent, in order, and sends their
 * bytes back in batches (each one transferred buffer), so the main thread parses while this
 * thread waits on the disk. It loads nothing but the reader: its start-up stays short.
 */
import { parentPort } from "node:worker_threads";
import { MAX_FILE_BYTES } from "./limits.js";
import { CappedReader } from "./read-capped.js";

export interface ReadJob {
  /** Absolute or relative file paths, read in this order. */
  files: string[];
}

export interface ReadBatch {
  /** Index (in the job's files) of the batch's first file. */
  first: number;
  /** Where each file's bytes end in `data`; -1 when it could not be read (the caller retries it). */
  ends: Int32Array;
  data: ArrayBuffer;
}

export type ReadMessage = { batch: ReadBatch } | { done: true };

/** A first batch this small lets the main thread start parsing at once; later ones are larger. */
const FIRST_BATCH_FILES = 32;
const BATCH_FILES = 256;
const BATCH_BYTES = 512 * 1024;

const port = parentPort;
if (port) port.on("message", (job: ReadJob) => readAll(port, job));

function readAll(out: NonNullable<typeof parentPort>, job: ReadJob): void {
  const reader = new CappedReader();
  let data = Buffer.allocUnsafe(BATCH_BYTES);
  let ends: number[] = [];
  let used = 0;
  let first = 0;
  let limit = FIRST_BATCH_FILES;
  const flush = (): void => {
    // A copy of the used part (small next to the reads): the batch buffer is reused.
    const copy = new ArrayBuffer(used);
    new Uint8Array(copy).set(data.subarray(0, used));
    const endsBuffer = new ArrayBuffer(ends.length * Int32Array.BYTES_PER_ELEMENT);
    new Int32Array(endsBuffer).set(ends);
    const batch: ReadBatch = { first, ends: new Int32Array(endsBuffer), data: copy };
    out.postMessage({ batch } satisfies ReadMessage, [copy, endsBuffer]);
    first += ends.length;
    ends = [];
    used = 0;
    limit = BATCH_FILES;
  };
  for (const file of job.files) {
    let bytes: Buffer | null = null;
    try {
      bytes = reader.read(file);
    } catch {
      // Read again by the caller, which then reports why it failed.
    }
    if (bytes && used + bytes.length > data.length) {
      if (ends.length > 0) flush();
      // A file larger than a batch (at most the size limit plus one byte) gets a buffer of its size.
      if (bytes.length > data.length) data = Buffer.allocUnsafe(Math.max(bytes.length, MAX_FILE_BYTES + 1));
    }
    if (bytes) {
      bytes.copy(data, used);
      used += bytes.length;
    }
    ends.push(bytes ? used : -1);
    if (ends.length >= limit) flush();
  }
  if (ends.length > 0) flush();
  out.postMessage({ done: true } satisfies ReadMessage);
}
