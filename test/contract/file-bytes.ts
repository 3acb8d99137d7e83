/**
 * A file as the fake forges hold it: its bytes, exactly as a real forge stores them. Seeds and
 * flows may still give text (UTF-8, as gitsync writes it); it is encoded on the way in, so
 * every reply that serves content serves bytes and a non-UTF-8 file is never decoded by a fake.
 */
export type FileBytes = string | Uint8Array;

export function toBytes(content: FileBytes): Buffer {
  if (typeof content === "string") return Buffer.from(content, "utf8");
  return Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

/** A seed's files (path → text or bytes) as path → bytes. */
export function byteMap(files: Record<string, FileBytes>): Map<string, Buffer> {
  return new Map(Object.entries(files).map(([path, content]) => [path, toBytes(content)]));
}

/**
 * Path → text, for a harness's `snapshot`: assertions compare what gitsync wrote, which is
 * UTF-8 by construction. Byte-level checks go through the provider's `readFiles` instead.
 */
export function textMap(files: Iterable<[string, Uint8Array]>): Record<string, string> {
  return Object.fromEntries([...files].map(([path, content]) => [path, toBytes(content).toString("utf8")]));
}
