import { isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import { MAX_FILE_BYTES } from "./limits.js";

/**
 * Reads files one after another into one reusable buffer, at most one byte past the size limit
 * (enough for validation to reject the file). Synchronous on purpose: for small files, each
 * asynchronous call is a thread-pool round trip, and a large tree reads many times slower that
 * way. No fstat and no buffer per file: in a fresh process that halved the time to read a
 * large tree.
 */
export class CappedReader {
  private readonly scratch = Buffer.allocUnsafe(MAX_FILE_BYTES + 1);

  /** The file's bytes, in the reader's own buffer: valid until its next read. */
  read(file: string): Buffer {
    return this.scratch.subarray(0, readCappedInto(file, this.scratch, 0));
  }

  readText(file: string): string | Buffer {
    return decodeCapped(this.read(file), 0, -1);
  }
}

/**
 * Reads the file into `buffer` at `offset`, at most one byte past the size limit (the buffer must
 * have that much room there), and returns how many bytes it read.
 */
function readCappedInto(file: string, buffer: Buffer, offset: number): number {
  const end = offset + MAX_FILE_BYTES + 1;
  if (end > buffer.length) throw new RangeError(`readCappedInto: ${end - buffer.length} bytes short at offset ${offset}`);
  const fd = openSync(file, "r");
  let length = 0;
  try {
    // Until end of file, or one byte past the limit. A regular file's read comes back short only
    // at its end, so a small file takes one read, not a second one returning 0: that second
    // system call was a large share of a big tree's reads.
    for (;;) {
      const wanted = end - offset - length;
      const n = readSync(fd, buffer, offset + length, wanted, null);
      length += n;
      if (n === 0 || n < wanted || offset + length >= end) break;
    }
  } finally {
    closeSync(fd);
  }
  return length;
}

/**
 * A file's content as validation wants it: its text when it is valid UTF-8 within the size limit;
 * otherwise a copy of its bytes, so validation can say what is wrong with them. `bytes` from
 * `start` to `end` (-1: its end) holds the file and may be reused by the caller afterwards.
 */
function decodeCapped(bytes: Buffer, start: number, end: number): string | Buffer {
  const stop = end < 0 ? bytes.length : end;
  if (stop - start <= MAX_FILE_BYTES) {
    const text = bytes.toString("utf8", start, stop);
    // Decoding replaces invalid bytes with U+FFFD: only then are the bytes checked.
    if (!text.includes("\uFFFD") || isUtf8(bytes.subarray(start, stop))) return text;
  }
  return Buffer.from(bytes.subarray(start, stop));
}
