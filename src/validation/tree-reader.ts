import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { decodeCapped } from "./read-capped.js";
import { startWorker } from "./start-worker.js";
import type { ReadBatch, ReadJob, ReadMessage } from "./tree-reader-worker.js";

export interface ContentBatch {
  /** Index of the batch's first file in the list given to `contents`. */
  first: number;
  /** Each file's text (or bytes, see `decodeCapped`); null where the thread could not read it. */
  contents: (string | Buffer | null)[];
}

/**
 * A thread that reads a tree's files while the calling thread parses them: reading is system
 * calls, which the other core runs in parallel, while parsing stays in one thread (two threads
 * parsing lost to one on 2 cores: each warms its own JIT). Start it early, so its start-up
 * overlaps the caller's own (`gitsync validate` starts it before loading the catalog); read one
 * list of files with `contents`; close it.
 */
export class TreeReader {
  private failed = false;
  private wake: (() => void) | null = null;

  private constructor(private readonly worker: Worker) {
    // Kept: an error before `contents` runs must not become an uncaught one.
    worker.on("error", () => this.fail());
    worker.on("exit", () => this.fail());
    // Idle, it never keeps the process alive.
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

  /**
   * The files' contents, batch by batch, in order. Ends early and quietly if the thread fails: the
   * caller reads whatever it did not get (and so reports any error itself).
   */
  async *contents(files: string[]): AsyncGenerator<ContentBatch> {
    if (this.failed) return;
    const queue: ReadMessage[] = [];
    const onMessage = (message: ReadMessage): void => {
      queue.push(message);
      this.wake?.();
    };
    this.worker.on("message", onMessage);
    this.worker.ref();
    try {
      this.worker.postMessage({ files } satisfies ReadJob);
      for (;;) {
        const message = queue.shift();
        if (message === undefined) {
          if (this.failed) return;
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
        } else if ("done" in message) {
          return;
        } else {
          yield decodeBatch(message.batch);
        }
      }
    } finally {
      this.worker.off("message", onMessage);
      this.worker.unref();
    }
  }

  close(): void {
    void this.worker.terminate();
  }

  private fail(): void {
    this.failed = true;
    this.wake?.();
  }
}

function decodeBatch(batch: ReadBatch): ContentBatch {
  const bytes = Buffer.from(batch.data);
  let start = 0;
  const contents = Array.from(batch.ends, (end) => {
    if (end < 0) return null;
    const content = decodeCapped(bytes, start, end);
    start = end;
    return content;
  });
  return { first: batch.first, contents };
}
