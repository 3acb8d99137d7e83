import { createGzip } from "node:zlib";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { extractTarball } from "../../../src/providers/github/tarball.js";

async function tarball(files: Record<string, Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [path, content] of Object.entries(files)) pack.entry({ name: `acme-config-abcdef0/${path}`, mode: 0o644 }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack.pipe(createGzip())) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("GitHub tarball", () => {
  it("returns each wanted file's bytes exactly, invalid UTF-8 and NUL included", async () => {
    const latin1 = Buffer.from("name: caf\xe9\n", "latin1");
    const nul = Buffer.from("name: a\0b\n");
    const archive = await tarball({ "models/cafe.yaml": latin1, "models/nul.yaml": nul, "README.md": Buffer.from("r\n") });
    const files = await extractTarball(archive, (path) => path.startsWith("models/"));
    expect(files).toEqual([
      { path: "models/cafe.yaml", content: latin1 },
      { path: "models/nul.yaml", content: nul },
    ]);
  });
});
