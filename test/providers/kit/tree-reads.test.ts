import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitRunner, readTreeFiles, type GitResult, type GitRunOptions } from "../../../src/providers/kit/index.js";
import { GIT_ENV } from "./git-env.js";

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
    dir = mkdtempSync(join(tmpdir(), "gitsync-tree-reads-"));
    const git = (args: string[], input?: string) => execFileSync("git", ["--git-dir", dir, ...args], { env: GIT_ENV, input }).toString("utf8").trim();
    git(["init", "--bare", "--quiet"]);
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
