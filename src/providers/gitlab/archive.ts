import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";

/**
 * GitLab's repository archive holds every file under one top folder named
 * `<project>-<sha>[-<path>]/`, with the repository-relative path kept below it. Returns the
 * regular files (symlinks and folders are skipped) as repository path → bytes, undecoded.
 */
export async function readTarGz(archive: Uint8Array, keep: (path: string) => boolean): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const tar = extract();
  const done = new Promise<void>((resolve, reject) => {
    tar.on("entry", (header, stream, next) => {
      const path = header.name.split("/").slice(1).join("/");
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
      stream.on("error", reject);
    });
    tar.on("finish", resolve);
    tar.on("error", reject);
  });
  const gunzip = createGunzip();
  gunzip.on("error", (error) => tar.destroy(error));
  Readable.from([Buffer.from(archive)]).pipe(gunzip).pipe(tar);
  await done;
  return files;
}
