import { isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import { MAX_FILE_BYTES } from "./parse.js";

/**
 * Reads files of a tree one after another into one reusable buffer, at most one byte past the
 * size limit (enough for validation to reject the file). Synchronous on purpose: for small files,
 * each asynchronous call is a thread-pool round trip and a 10,000-file tree read ten times slower
 * that way. No fstat and no buffer per file: in a fresh process that halved the time to read a
 * 10,000-file tree (docs/validation.md).
 */
export class CappedReader {
  private readonly scratch = Buffer.allocUnsafe(MAX_FILE_BYTES + 1);

  /**
   * The file's text when it is valid UTF-8 within the size limit (what validation wants); its
   * bytes otherwise, so validation can say what is wrong with them.
   */
  readText(file: string): string | Buffer {
    const length = this.fill(file);
    if (length > MAX_FILE_BYTES) return this.copy(length);
    const text = this.scratch.toString("utf8", 0, length);
    // Decoding replaces invalid bytes with U+FFFD: only then are the bytes checked.
    return text.includes("\uFFFD") && !isUtf8(this.scratch.subarray(0, length)) ? this.copy(length) : text;
  }

  /** The file's bytes, in a buffer of their own. */
  readBytes(file: string): Buffer {
    return this.copy(this.fill(file));
  }

  private copy(length: number): Buffer {
    return Buffer.from(this.scratch.subarray(0, length));
  }

  /** Reads the file into the scratch buffer; returns how many bytes it holds. */
  private fill(file: string): number {
    const fd = openSync(file, "r");
    let length = 0;
    try {
      // Until end of file (a read of 0), or one byte past the limit.
      for (let n = -1; n !== 0 && length < this.scratch.length; length += n) {
        n = readSync(fd, this.scratch, length, this.scratch.length - length, null);
      }
    } finally {
      closeSync(fd);
    }
    return length;
  }
}
