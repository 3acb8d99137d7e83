import { expect, it } from "vitest";
import type { Actor, FileChange, FileContent } from "../../src/core/index.js";
import type { ContractHarness } from "./harness.js";

/**
 * Contract cases for files that are not UTF-8 text: a binary file and config files in Latin-1,
 * UTF-16 and UTF-8 with a byte order mark. The port hands a file's bytes exactly as committed
 * (`FileContent.content`); validation, not the adapter, decides what they mean. Every way an
 * adapter reads (the whole folder, named paths one by one, named paths from one folder's
 * archive) must return them byte for byte. Commits carry text only (`FileChange.content` is a
 * string gitsync serialised), so what a commit can show is that it rewrites a non-UTF-8 file
 * as the text it was given and leaves the binary files it does not touch as they were.
 * Registered inside `runProviderContract`'s describe; each case seeds its own branch.
 */

const ACTOR: Actor = { name: "Ada Lovelace", email: "ada@example.com" };

/** A PNG signature (CR LF, SUB, LF: what text conversions break), a NUL, then every byte value. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, ...Array.from({ length: 256 }, (_, i) => i)]);
/** `é` as the single byte 0xe9: not UTF-8, and a lossy decode would turn it into U+FFFD. */
const LATIN1 = Buffer.from("name: caf\xe9\n", "latin1");
const UTF16 = Buffer.from("\ufeffname: utf16\n", "utf16le");
/** A decoder that drops the byte order mark would hide it from validation. */
const BOM = Buffer.from("\ufeffname: bom\r\n", "utf8");
const PLAIN = "name: plain\n";

const FILES: Record<string, string | Buffer> = {
  "config/assets/logo.png": PNG,
  "config/models/latin1.yaml": LATIN1,
  "config/models/utf16.yaml": UTF16,
  "config/models/bom.yaml": BOM,
  "config/models/plain.yaml": PLAIN,
  "other/blob.bin": PNG.subarray(8),
};

function expected(files: Record<string, string | Buffer>, prefix: string): FileContent[] {
  return Object.entries(files)
    .filter(([path]) => prefix === "" || path.startsWith(`${prefix}/`))
    .map(([path, content]) => ({ path, content: typeof content === "string" ? Buffer.from(content, "utf8") : content }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

async function read(h: ContractHarness, sha: string, path: string, paths?: string[]): Promise<FileContent[]> {
  h.expect({ op: "readFiles", sha, path, ...(paths === undefined ? {} : { paths }) });
  const files = await h.provider.readFiles(h.repo, sha, path, paths);
  // Compared as Buffers: a Uint8Array and a Buffer of the same bytes are not equal to vitest.
  return files.map((f) => ({ path: f.path, content: Buffer.from(f.content) })).sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function bytesCases(harness: () => ContractHarness): void {
  it("reads binary and non-UTF-8 files byte for byte, a whole folder and the whole repository", async () => {
    const h = harness();
    const main = await h.seed(FILES);
    expect(await read(h, main, "config")).toEqual(expected(FILES, "config"));
    expect(await read(h, main, "")).toEqual(expected(FILES, ""));
  });

  it("reads binary and non-UTF-8 files byte for byte by path, from several folders and from one", async () => {
    const h = harness();
    const main = await h.seed(FILES);
    // Paths in different folders (one raw read each where a forge has them)...
    const scattered = ["config/assets/logo.png", "config/models/latin1.yaml"];
    expect(await read(h, main, "config", scattered)).toEqual(expected(FILES, "config").filter((f) => scattered.includes(f.path)));
    // ...and in one folder (that folder's archive where a forge has one).
    const oneFolder = ["config/models/latin1.yaml", "config/models/utf16.yaml", "config/models/bom.yaml"];
    expect(await read(h, main, "config", oneFolder)).toEqual(expected(FILES, "config").filter((f) => oneFolder.includes(f.path)));
  });

  it("rewrites a Latin-1 file as the text it is given, lists binary files as changed like any other, and keeps the rest byte for byte", async () => {
    const h = harness();
    const main = await h.seed(FILES);
    // The same characters as the Latin-1 file, in UTF-8: different bytes, so a real change.
    const changes: FileChange[] = [
      { action: "upsert", path: "config/models/latin1.yaml", content: "name: café\n" },
      { action: "delete", path: "config/assets/logo.png" },
    ];
    h.expect({ op: "commit", branch: "main", files: changes.length, outcome: "committed" });
    const { sha } = await h.provider.commit({ ...h.repo, branch: "main", expectedHead: main, message: "Rewrite", author: ACTOR, committer: ACTOR, changes });
    expect(sha).toMatch(/^[0-9a-f]{40,64}$/);
    const head = sha as string;

    h.expect({ op: "changedFiles", base: main, head, path: "config" });
    const changed = [...(await h.provider.changedFiles(h.repo, main, head, "config"))].sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(changed).toEqual([
      { path: "config/assets/logo.png", status: "deleted" },
      { path: "config/models/latin1.yaml", status: "modified" },
    ]);

    const after: Record<string, string | Buffer> = { ...FILES, "config/models/latin1.yaml": "name: café\n" };
    delete after["config/assets/logo.png"];
    expect(await read(h, head, "")).toEqual(expected(after, ""));
  });
}
