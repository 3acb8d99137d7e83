import { inflateRawSync } from "node:zlib";
import { GitsyncError } from "../../core/index.js";

/**
 * Reads the entries of a zip archive (what Azure DevOps' items download with `$format=zip`
 * returns): stored and deflated entries, found through the central directory. Folders are
 * skipped. Zip64 archives (over 4 GiB or 65,535 entries) are refused with a clear error.
 */

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

export function readZip(archive: Buffer): Map<string, Buffer> {
  const end = findEnd(archive);
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw broken("zip64 archives are not supported");
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i += 1) {
    if (archive.readUInt32LE(offset) !== DIRECTORY_ENTRY) throw broken("bad central directory entry");
    const method = archive.readUInt16LE(offset + 10);
    const compressed = archive.readUInt32LE(offset + 20);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const local = archive.readUInt32LE(offset + 42);
    const name = archive.subarray(offset + 46, offset + 46 + nameLength).toString("utf8");
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith("/")) continue;
    files.set(name, entryData(archive, local, method, compressed, name));
  }
  return files;
}

function entryData(archive: Buffer, local: number, method: number, size: number, name: string): Buffer {
  if (archive.readUInt32LE(local) !== LOCAL_HEADER) throw broken(`bad local header for ${name}`);
  const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
  const data = archive.subarray(start, start + size);
  if (method === 0) return Buffer.from(data);
  if (method === 8) return inflateRawSync(data);
  throw broken(`entry ${name} uses compression method ${method}`);
}

function findEnd(archive: Buffer): number {
  if (archive.length < 22) throw broken("too short to be a zip archive");
  // The end record is 22 bytes plus a comment of at most 65,535.
  for (let at = archive.length - 22; at >= Math.max(0, archive.length - 22 - 0xffff); at -= 1) {
    if (archive.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  throw broken("no end of central directory record");
}

function broken(reason: string): GitsyncError {
  return new GitsyncError("provider_error", `Azure DevOps zip download: ${reason}`);
}
