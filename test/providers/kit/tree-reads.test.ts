import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChangedEntries, changedTreeFiles, CommitRelations, GitRunner, readTreeFiles, type GitResult, type GitRunOptions } from "../../../src/providers/kit/index.js";
import { bareRepository } from "./git-env.js";

/**
 * Reading a push's changed files from a repository on disk: git is asked for the named files
 * only, so the read does not grow with the number of files in the folder.
 */

const FILES = 300;

/** Keeps what each git process printed. */
class RecordingRunner extends GitRunner {
  outputs: { args: string[]; stdout: Buffer }[] = [];
  override async run(args: string[], options?: GitRunOptions): Promise<GitResult> {
    const result = await super.run(args, options);
    this.outputs.push({ args, stdout: result.stdout });
    return result;
  }
}

describe("readTreeFiles", () => {
  let dir: string;
  let head: string;

  beforeAll(() => {
    const repository = bareRepository("gitsync-tree-reads-");
    dir = repository.dir;
    const { git } = repository;
    const stream = [
      "commit refs/heads/main",
      "committer A <a@example.com> 0 +0000",
      "data 5",
      "seed",
      ...Array.from({ length: FILES }, (_, i) => [`M 100644 inline config/models/m${i}.yaml`, `data ${`name: m${i}\n`.length}`, `name: m${i}`]).flat(),
      "M 120000 inline config/models/link.yaml",
      "data 7",
      "m1.yaml",
      "",
    ].join("\n");
    git(["fast-import", "--quiet"], stream);
    head = git(["rev-parse", "main"]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists only the named files, and reads the regular ones among them", async () => {
    const runner = new RecordingRunner(dir);
    const wanted = ["config/models/m7.yaml", "config/models/link.yaml", "config/models/missing.yaml", "config/models/m299.yaml"];

    const files = await readTreeFiles(runner, "test", head, "config", wanted);

    expect(files.map((f) => [f.path, Buffer.from(f.content).toString("utf8")])).toEqual([
      ["config/models/m299.yaml", "name: m299\n"],
      ["config/models/m7.yaml", "name: m7\n"],
    ]);
    const listing = runner.outputs.find((o) => o.args[0] === "ls-tree");
    expect(listing?.stdout.toString("utf8").split("\0").filter(Boolean)).toHaveLength(3);
  });

  it("lists the whole folder when no paths are named, and nothing when none are wanted", async () => {
    const runner = new RecordingRunner(dir);
    expect(await readTreeFiles(runner, "test", head, "config")).toHaveLength(FILES);
    expect(await readTreeFiles(runner, "test", head, "config", [])).toEqual([]);
    expect(runner.outputs.filter((o) => o.args[0] === "ls-tree")).toHaveLength(1);
  });

  it("says which commit is missing", async () => {
    await expect(readTreeFiles(new GitRunner(dir), "acme", "1".repeat(40), "config", ["config/models/m1.yaml"])).rejects.toThrow(
      `commit ${"1".repeat(40)} not found in acme`,
    );
  });
});

describe("reading the files a diff just listed", () => {
  let dir: string;
  let base: string;
  let head: string;

  beforeAll(() => {
    const repository = bareRepository("gitsync-diff-reads-");
    dir = repository.dir;
    const { git } = repository;
    const file = (mode: string, path: string, text: string) => [`M ${mode} inline ${path}`, `data ${Buffer.byteLength(text)}`, text];
    const commit = (message: string, changes: string[]) => ["commit refs/heads/main", "committer A <a@example.com> 0 +0000", `data ${message.length}`, message, ...changes];
    const stream = [
      ...commit("base", [
        ...file("100644", "config/models/kept.yaml", "name: kept\n"),
        ...file("100644", "config/models/gone.yaml", "name: gone\n"),
        ...file("100644", "config/models/moved.yaml", "name: moved, long enough to be found renamed\n"),
        ...file("100644", "config/models/link.yaml", "name: link\n"),
      ]),
      "",
      ...commit("head", [
        ...file("100644", "config/models/kept.yaml", "name: kept, changed\n"),
        ...file("100755", "config/models/new.yaml", "name: new\n"),
        "D config/models/gone.yaml",
        "R config/models/moved.yaml config/models/renamed.yaml",
        ...file("120000", "config/models/link.yaml", "kept.yaml"),
        ...file("100644", "outside/other.yaml", "name: other\n"),
      ]),
      "",
    ].join("\n");
    git(["fast-import", "--quiet"], stream);
    head = git(["rev-parse", "main"]);
    base = git(["rev-parse", "main^"]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads them without listing the tree, with the same result as a listing gives", async () => {
    const runner = new RecordingRunner(dir);
    const known = new ChangedEntries();
    const changed = await changedTreeFiles(runner, new CommitRelations(runner), base, head, "config", known);
    const paths = changed.filter((c) => c.status !== "deleted").map((c) => c.path);
    expect(paths.sort()).toEqual(["config/models/kept.yaml", "config/models/link.yaml", "config/models/new.yaml", "config/models/renamed.yaml"]);

    const fromDiff = await readTreeFiles(runner, "test", head, "config", paths, known);
    expect(runner.outputs.map((o) => o.args[0])).toEqual(["merge-base", "diff-tree", "cat-file"]);
    const listed = await readTreeFiles(new GitRunner(dir), "test", head, "config", paths);
    const text = (files: { path: string; content: Uint8Array }[]) => files.map((f) => [f.path, Buffer.from(f.content).toString("utf8")]).sort();
    // The symlink is left out either way; the executable file is read.
    expect(text(fromDiff)).toEqual(text(listed));
    expect(text(fromDiff)).toEqual([
      ["config/models/kept.yaml", "name: kept, changed\n"],
      ["config/models/new.yaml", "name: new\n"],
      ["config/models/renamed.yaml", "name: moved, long enough to be found renamed\n"],
    ]);
    // What the diff says is gone is known to be gone; a path it did not list is asked of git.
    expect(await readTreeFiles(runner, "test", head, "config", ["config/models/gone.yaml", "config/models/moved.yaml"], known)).toEqual([]);
    expect(runner.outputs.filter((o) => o.args[0] === "ls-tree")).toHaveLength(0);
    expect(await readTreeFiles(runner, "test", base, "config", ["config/models/gone.yaml"], known)).toHaveLength(1);
    expect(runner.outputs.filter((o) => o.args[0] === "ls-tree")).toHaveLength(1);
  });

  it("keeps the most recent commits only, and never a branch name", () => {
    const known = new ChangedEntries(2);
    const entry = (path: string) => new Map([[path, { mode: "100644", type: "blob" as const, oid: "a".repeat(40), path }]]);
    known.remember("main", entry("x"));
    for (const commit of ["1", "2", "3"]) known.remember(commit.repeat(40), entry("x"));
    expect(known.lookup("main", ["x"])).toBeNull();
    expect(known.lookup("1".repeat(40), ["x"])).toBeNull();
    expect(known.lookup("3".repeat(40), ["x"])).toHaveLength(1);
    expect(known.lookup("3".repeat(40), ["x", "y"])).toBeNull();
  });
});
