import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { MAX_FILE_BYTES } from "./parse.js";

/**
 * One file's bytes, at most one byte past the size limit (enough for validation to reject it).
 * Synchronous on purpose: for small files, each asynchronous call is a thread-pool round trip
 * and a 10,000-file tree read ten times slower that way (see docs/validation.md).
 */
export function readCappedSync(file: string): Buffer {
  const fd = openSync(file, "r");
  try {
    const length = Math.min(fstatSync(fd).size, MAX_FILE_BYTES + 1);
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, read);
      if (n === 0) break;
      read += n;
    }
    return read === length ? buffer : buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
