import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { GitsyncError } from "../../core/index.js";

/**
 * Reads a forge's repository archive (GitHub's tarball, GitLab's archive.tar.gz). Both put every
 * file under one top folder (`<owner>-<repo>-<sha>/`, `<project>-<sha>[-<path>]/`) with the
 * repository-relative path below it. Returns the regular files that `keep` wants, as repository
 * path → bytes, undecoded; symlinks and folders are skipped, and unwanted entries are never
 * buffered. `what` names the archive in errors ("GitHub tarball of <sha>").
 */
export async function readTarGz(archive: Uint8Array, keep: (path: string) => boolean, what: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    const slash = header.name.indexOf("/");
    const path = slash >= 0 ? header.name.slice(slash + 1) : "";
    if (header.type !== "file" || path === "" || !keep(path)) {
      stream.on("end", next);
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: unknown) => {
      chunks.push(Buffer.from(chunk as Uint8Array));
    });
    stream.on("end", () => {
      files.set(path, Buffer.concat(chunks));
      next();
    });
  });
  try {
    await pipeline(Readable.from([Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength)]), createGunzip(), extract);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GitsyncError("provider_error", `${what}: cannot extract the archive: ${reason}`);
  }
  return files;
}
