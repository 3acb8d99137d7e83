import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import type { FileContent } from "../../core/index.js";
import { GitsyncError } from "../../core/index.js";

/**
 * Extracts the wanted regular files of a GitHub tarball (`<owner>-<repo>-<short sha>/...`) in
 * memory, as bytes. `want` decides from the repository-relative path, so unwanted entries are skipped
 * without buffering them.
 */
export async function extractTarball(archive: Uint8Array, want: (path: string) => boolean): Promise<FileContent[]> {
  const files: FileContent[] = [];
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    const slash = header.name.indexOf("/");
    const path = slash >= 0 ? header.name.slice(slash + 1) : "";
    if (header.type !== "file" || path === "" || !want(path)) {
      stream.on("end", next);
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: unknown) => {
      if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    });
    stream.on("end", () => {
      files.push({ path, content: Buffer.concat(chunks) });
      next();
    });
  });
  try {
    await pipeline(Readable.from([Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength)]), createGunzip(), extract);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GitsyncError("provider_error", `GitHub tarball: cannot extract the archive: ${reason}`);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
