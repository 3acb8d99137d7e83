import { describe, expect, it } from "vitest";
import type { FileContent } from "../../../src/core/index.js";
import { BitbucketHarness } from "../../contract/bitbucket-harness.js";
import { useStrictHttpMock } from "../../helpers/http-mock.js";
import { failure } from "../../helpers/gitsync-error.js";

/**
 * A change's files read from Bitbucket's diff: after a diffstat of a head, the files it changed
 * come from one `GET diff/{head}..{base}` (every request held to Atlassian's description), each
 * checked against the blob id of its index line; whatever the diff does not hold whole is read
 * raw, and a file the diffstat removed is not read at all.
 */

useStrictHttpMock();

const LATIN1 = Buffer.from("name: caf\xe9\nsource: warehouse\n", "latin1");
const NO_EOL = "name: last\ntype: table";
const CRLF = "name: crlf\r\ntype: table\r\n";
const long = (changed: number) => Array.from({ length: 30 }, (_, i) => `key${i}: ${i === 15 ? changed : i}\n`).join("");

const SEED = {
  "config/models/latin1.yaml": Buffer.from("name: cafe\nsource: warehouse\n", "latin1"),
  "config/models/no-eol.yaml": "name: last\ntype: view",
  "config/models/crlf.yaml": "name: crlf\r\ntype: view\r\n",
  "config/models/long-a.yaml": long(0),
  "config/models/long-b.yaml": long(0),
  "config/models/gone.yaml": "name: gone\n",
  "config/models/moved.yaml": "name: moved\n",
  "config/models/same.yaml": "name: same\n",
};

/** A pull request's head on top of main: `files` replace, a null removes. */
function headWith(h: BitbucketHarness, main: string, files: Record<string, string | Buffer | null>): string {
  const next: Record<string, Buffer> = { ...h.model.commits.get(main)?.files };
  for (const [path, content] of Object.entries(files)) {
    if (content === null) delete next[path];
    else next[path] = typeof content === "string" ? Buffer.from(content) : content;
  }
  const sha = h.model.addCommit([main], next, "Change", "Ada <ada@example.com>");
  h.model.branches.set("feature", sha);
  return sha;
}

/** The check's way: the diffstat, then the changed files, both by the webhook's short hashes. */
async function listThenRead(h: BitbucketHarness, main: string, head: string, paths: string[]): Promise<{ files: FileContent[]; requests: number }> {
  h.expect({ op: "changedFiles", base: main, head, path: "config" });
  await h.provider.changedFiles(h.repo, main.slice(0, 12), head.slice(0, 12), "config");
  const before = h.requestCount();
  h.expect({ op: "readFiles", sha: head, path: "config", paths });
  const files = await h.provider.readFiles(h.repo, head.slice(0, 12), "config", paths);
  return { files: files.map((f) => ({ path: f.path, content: Buffer.from(f.content) })), requests: h.requestCount() - before };
}

/** Each file read on its own: one file is always a raw read. */
async function rawReads(h: BitbucketHarness, head: string, paths: string[]): Promise<FileContent[]> {
  const out: FileContent[] = [];
  for (const path of paths) {
    h.expect({ op: "readFiles", sha: head, path: "config", paths: [path] });
    out.push(...(await h.provider.readFiles(h.repo, head, "config", [path])).map((f) => ({ path: f.path, content: Buffer.from(f.content) })));
  }
  return out;
}

const THREE = { "config/models/latin1.yaml": LATIN1, "config/models/no-eol.yaml": NO_EOL, "config/models/crlf.yaml": CRLF };
const PATHS = Object.keys(THREE);

describe("Bitbucket reads of a listed change", () => {
  it("reads three changed files in one diff request, byte for byte as raw reads give them", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed(SEED);
    const head = headWith(h, main, THREE);
    const { files, requests } = await listThenRead(h, main, head, PATHS);
    expect([requests, h.diffs.served]).toEqual([1, 1]);
    expect(files).toEqual(PATHS.map((path) => ({ path, content: h.model.commits.get(head)?.files[path] })));
    expect(files).toEqual(await rawReads(h, head, PATHS));
  });

  it("reads each file raw when the diff has no index lines to check them against", async () => {
    const h = new BitbucketHarness();
    h.diffs.indexLines = false;
    const main = await h.seed(SEED);
    const head = headWith(h, main, THREE);
    const { files, requests } = await listThenRead(h, main, head, PATHS);
    expect([requests, h.diffs.served]).toEqual([4, 1]);
    expect(files).toEqual(await rawReads(h, head, PATHS));
  });

  it("reads raw the files whose hunk was cut (less context than they have lines) and keeps the whole ones", async () => {
    const h = new BitbucketHarness();
    h.diffs.maxContext = 2;
    const main = await h.seed(SEED);
    const head = headWith(h, main, { "config/models/long-a.yaml": long(1), "config/models/long-b.yaml": long(2), "config/models/crlf.yaml": CRLF });
    const paths = ["config/models/long-a.yaml", "config/models/long-b.yaml", "config/models/crlf.yaml"];
    const { files, requests } = await listThenRead(h, main, head, paths);
    // The diff, then the two long files raw; the short one was whole in its hunk.
    expect([requests, h.diffs.served]).toEqual([3, 1]);
    expect(files).toEqual(await rawReads(h, head, paths));
  });

  it("reads a binary file raw and the text files from the diff", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed({ ...SEED, "config/assets/logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x01]) });
    const logo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x02]);
    const head = headWith(h, main, { ...THREE, "config/assets/logo.png": logo });
    const paths = [...PATHS, "config/assets/logo.png"];
    const { files, requests } = await listThenRead(h, main, head, paths);
    expect([requests, h.diffs.served]).toEqual([2, 1]);
    expect(files.find((f) => f.path === "config/assets/logo.png")?.content).toEqual(logo);
    expect(files).toEqual(await rawReads(h, head, paths));
  });

  it("reads no deleted file, and a renamed one from the diff", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed(SEED);
    const head = headWith(h, main, { "config/models/gone.yaml": null, "config/models/moved.yaml": null, "config/models/renamed.yaml": "name: moved\n", "config/models/crlf.yaml": CRLF });
    const paths = ["config/models/gone.yaml", "config/models/moved.yaml", "config/models/renamed.yaml", "config/models/crlf.yaml"];
    const { files, requests } = await listThenRead(h, main, head, paths);
    expect([requests, h.diffs.served]).toEqual([1, 1]);
    expect(files).toEqual([
      { path: "config/models/renamed.yaml", content: Buffer.from("name: moved\n") },
      { path: "config/models/crlf.yaml", content: Buffer.from(CRLF) },
    ]);
    // Removed files alone: nothing to read. An unchanged file is read raw.
    const before = h.requestCount();
    h.expect({ op: "readFiles", sha: head, path: "config", paths: ["config/models/gone.yaml", "config/models/moved.yaml", "config/models/same.yaml"] });
    expect(await h.provider.readFiles(h.repo, head.slice(0, 12), "config", ["config/models/gone.yaml", "config/models/moved.yaml", "config/models/same.yaml"])).toEqual([
      { path: "config/models/same.yaml", content: Buffer.from("name: same\n") },
    ]);
    expect(h.requestCount() - before).toBe(1);
  });

  it("reads the files raw when Bitbucket gives up on the diff (555), and stops at a refused token", async () => {
    const h = new BitbucketHarness();
    h.diffs.refusal = 555;
    const main = await h.seed(SEED);
    const head = headWith(h, main, THREE);
    const { files, requests } = await listThenRead(h, main, head, PATHS);
    expect([requests, h.diffs.served]).toEqual([4, 1]);
    expect(files).toEqual(await rawReads(h, head, PATHS));

    const before = h.requestCount();
    h.expect({ op: "failure", status: 401 });
    h.expect({ op: "readFiles", sha: head, path: "config", paths: PATHS });
    expect((await failure(h.provider.readFiles(h.repo, head.slice(0, 12), "config", PATHS))).code).toBe("unauthorized");
    expect(h.requestCount() - before).toBe(1);
  });

  it("reads a 1,000-file change in diff requests of 50 files", async () => {
    const h = new BitbucketHarness();
    const main = await h.seed(SEED);
    const added = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`config/pushed/group-${i % 10}/model-${i}.yaml`, `name: model-${i}\n`]));
    const head = headWith(h, main, added);
    const { files, requests } = await listThenRead(h, main, head, Object.keys(added));
    expect([requests, h.diffs.served]).toEqual([20, 20]);
    expect(files.map((f) => [f.path, Buffer.from(f.content).toString("utf8")])).toEqual(Object.entries(added));
  });
});
