import { availableParallelism } from "node:os";
import { MessageChannel, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { CappedReader, decodeCapped } from "./read-capped.js";
import { startWorker } from "./start-worker.js";
import type { ReadBatch, ReadJob } from "./tree-reader-worker.js";

/** How long the calling thread waits for the reader thread without any news before reading the rest itself. */
const STALL_MS = 2_000;
/** Each wait is this long at most, so news is checked in between. */
const WAIT_MS = 20;

/**
 * A thread that reads a tree's files while the calling thread parses them: reading is system
 * calls, which the other core runs in parallel, while parsing stays in one thread (two threads
 * parsing lost to one on 2 cores: each warms its own JIT). The reader takes files from the front,
 * the calling thread from the back whenever it has nothing to parse, so neither waits for the
 * other. Start it early, so its start-up overlaps the caller's own (`gitsync validate` starts it
 * before loading the catalog); read one list of files with `readAll`; close it.
 */
export class TreeReader {
  private readonly ready: Promise<void>;

  private constructor(private readonly worker: Worker) {
    // Errors are not needed here (a stalled reader is noticed by its silence), but one without
    // a listener would be thrown as uncaught.
    worker.on("error", () => {});
    this.ready = new Promise((resolve) => {
      worker.once("message", () => resolve());
      worker.once("exit", () => resolve());
    });
    // It never keeps the process alive.
    worker.unref();
  }

  /** A reader thread, or null on one core (where it would only compete with the parser). */
  static start(): TreeReader | null {
    if (availableParallelism() < 2) return null;
    try {
      return new TreeReader(startWorker("tree-reader-worker"));
    } catch {
      return null;
    }
  }

  /** Settles once the thread has started (or stopped). Only tests need to wait for it. */
  started(): Promise<void> {
    this.worker.ref();
    return this.ready.finally(() => this.worker.unref());
  }

  /**
   * Reads every file, handing each one's content (see `decodeCapped`) to `take` with its index,
   * in no particular order; synchronous. A file the reader thread could not read is read here,
   * so its error is thrown here; so are the files of a reader that stalls or stopped. Returns how
   * many files the reader thread delivered.
   */
  readAll(files: string[], take: (index: number, content: string | Buffer) => void): number {
    const count = files.length;
    const claims = new Int32Array(new SharedArrayBuffer((count + 1) * Int32Array.BYTES_PER_ELEMENT));
    const { port1, port2 } = new MessageChannel();
    const reader = new CappedReader();
    const done = new Uint8Array(count);
    let filled = 0;
    let delivered = 0;
    const own = (i: number): void => {
      take(i, reader.readText(files[i] as string));
      done[i] = 1;
      filled++;
    };
    try {
      this.worker.postMessage({ files, claims, port: port2 } satisfies ReadJob, [port2]);
      let back = count - 1;
      let received = 0;
      let lastNews = performance.now();
      while (filled < count) {
        const batch = receiveMessageOnPort(port1)?.message as ReadBatch | undefined;
        if (batch) {
          received++;
          lastNews = performance.now();
          const bytes = Buffer.from(batch.data);
          let start = 0;
          batch.ends.forEach((end, k) => {
            const i = batch.first + k;
            if (end < 0) return own(i);
            take(i, decodeCapped(bytes, start, end));
            done[i] = 1;
            filled++;
            delivered++;
            start = end;
          });
        } else if (back >= 0 && Atomics.compareExchange(claims, back, 0, 2) === 0) {
          // Nothing to parse yet: read one file from the back.
          own(back--);
        } else if (performance.now() - lastNews > STALL_MS) {
          break;
        } else {
          back = -1;
          Atomics.wait(claims, count, received, WAIT_MS);
        }
      }
    } finally {
      port1.close();
    }
    // A reader that stalled or stopped: the files it claimed and did not send.
    for (let i = 0; i < count; i++) if (done[i] === 0) own(i);
    return delivered;
  }

  close(): void {
    void this.worker.terminate();
  }
}
