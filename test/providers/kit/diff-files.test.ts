import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newFilesFromDiff } from "../../../src/providers/kit/index.js";
import { gitDiff } from "../../contract/git-diff.js";
import { GIT_ENV } from "./git-env.js";

/**
 * Files rebuilt from a diff, held to the blob ids of its `index` lines. The diffs are the real
 * git's (a temporary repository), so the reader meets git's own quoting, markers and headers;
 * the fake forges' diffs (test/contract/git-diff.ts) must read the same.
 */

const BEFORE: Record<string, Buffer> = {
  "config/latin1.yaml": Buffer.from("name: caf\xe9\nsource: x\n", "latin1"),
  "config/crlf.yaml": Buffer.from("a: 1\r\nb: 2\r\nc: 3\r\n"),
  "config/no-eol.yaml": Buffer.from("a: 1\nb: 2"),
  "config/long.yaml": Buffer.from(Array.from({ length: 40 }, (_, i) => `key${i}: ${i}\n`).join("")),
  "config/gone.yaml": Buffer.from("gone: true\n"),
  "config/emptied.yaml": Buffer.from("x: 1\n"),
  "config/logo.bin": Buffer.from([0x89, 0x50, 0x00, 0x01, 0x0a]),
  "config/script.sh": Buffer.from("echo 1\n"),
};

const AFTER: Record<string, Buffer> = {
  "config/latin1.yaml": Buffer.from("name: caf\xe9s\nsource: x\n", "latin1"),
  "config/crlf.yaml": Buffer.from("a: 1\r\nb: 20\r\nc: 3\r\n"),
  "config/no-eol.yaml": Buffer.from("a: 1\nb: 3"),
  "config/long.yaml": Buffer.from(Array.from({ length: 40 }, (_, i) => `key${i}: ${i === 20 ? "changed" : i}\n`).join("")),
  "config/emptied.yaml": Buffer.alloc(0),
  "config/logo.bin": Buffer.from([0x89, 0x50, 0x00, 0x02, 0x0a]),
  "config/script.sh": Buffer.from("echo 2\n"),
  "config/new empty.yaml": Buffer.alloc(0),
  "config/naïve café.yaml": Buffer.from("name: ü\n"),
  "config/added.yaml": Buffer.from("added: [1, 2]\n"),
};

let repo: string;
const git = (...args: string[]): Buffer => execFileSync("git", args, { cwd: repo, env: GIT_ENV, maxBuffer: 16 * 1024 * 1024 });

function writeTree(files: Record<string, Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "gitsync-diff-"));
  git("init", "-q");
  writeTree(BEFORE);
  symlinkSync("latin1.yaml", join(repo, "config/link.yaml"));
  git("add", "-A");
  git("commit", "-qm", "before");
  unlinkSync(join(repo, "config/gone.yaml"));
  unlinkSync(join(repo, "config/link.yaml"));
  symlinkSync("crlf.yaml", join(repo, "config/link.yaml"));
  writeTree(AFTER);
  chmodSync(join(repo, "config/script.sh"), 0o755);
  git("add", "-A");
  git("commit", "-qm", "after");
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

const diff = (context: string, ...paths: string[]) => git("diff", "--no-renames", context, "HEAD~1", "HEAD", "--", ...paths);

describe("newFilesFromDiff", () => {
  it("rebuilds every text file a full-context git diff holds, byte for byte", () => {
    const files = newFilesFromDiff(diff("-U1000000"));
    const text = Object.keys(AFTER).filter((p) => p !== "config/logo.bin");
    expect([...files.keys()].sort()).toEqual(text.sort());
    for (const path of text) expect(files.get(path)).toEqual(AFTER[path]);
    // A deleted file, a binary one and a symbolic link have no new side to take.
    expect(files.has("config/gone.yaml") || files.has("config/logo.bin") || files.has("config/link.yaml")).toBe(false);
  });

  it("reads names git quotes and names it does not", () => {
    expect(newFilesFromDiff(git("-c", "core.quotePath=false", "diff", "--no-renames", "-U1000000", "HEAD~1", "HEAD")).get("config/naïve café.yaml")).toEqual(AFTER["config/naïve café.yaml"]);
    expect(diff("-U1000000").toString("latin1")).toContain('"b/config/na\\303\\257ve caf\\303\\251.yaml"');
  });

  it("leaves out a file whose hunk does not hold all of it, and keeps those it does", () => {
    const files = newFilesFromDiff(diff("-U2"));
    expect(files.has("config/long.yaml")).toBe(false);
    // Short files and added ones are whole even with two lines of context.
    expect(files.get("config/crlf.yaml")).toEqual(AFTER["config/crlf.yaml"]);
    expect(files.get("config/added.yaml")).toEqual(AFTER["config/added.yaml"]);
  });

  it("takes nothing from a diff without index lines, cut short, or with a wrong id", () => {
    const full = diff("-U1000000");
    const withoutIndex = Buffer.from(full.toString("latin1").replace(/^index .*\n/gm, ""), "latin1");
    expect(newFilesFromDiff(withoutIndex).size).toBe(0);
    const cut = full.subarray(0, full.indexOf("key30"));
    expect(newFilesFromDiff(cut).has("config/long.yaml")).toBe(false);
    const wrongId = full.toString("latin1").replace(/^(index [0-9a-f]+\.\.)([0-9a-f])/gm, (_, head: string, first: string) => `${head}${first === "0" ? "1" : "0"}`);
    expect(newFilesFromDiff(Buffer.from(wrongId, "latin1")).size).toBe(0);
  });

  it("refuses ids shorter than git's shortest abbreviation, and a file two sections name", () => {
    const full = diff("-U1000000", "config/added.yaml").toString("latin1");
    const short = full.replace(/^(index [0-9a-f]+\.\.)([0-9a-f]{6})[0-9a-f]*/m, "$1$2");
    expect(newFilesFromDiff(Buffer.from(short, "latin1")).size).toBe(0);
    expect(newFilesFromDiff(Buffer.from(full + full, "latin1")).size).toBe(0);
    expect(newFilesFromDiff(Buffer.from(full, "latin1")).size).toBe(1);
  });

  it("re-encoded as UTF-8, a Latin-1 file no longer matches its id", () => {
    const reencoded = Buffer.from(diff("-U1000000", "config/latin1.yaml").toString("latin1"), "utf8");
    expect(newFilesFromDiff(reencoded).size).toBe(0);
  });

  it("reads the fake forges' diffs as it reads git's", () => {
    const paths = Object.keys({ ...BEFORE, ...AFTER });
    for (const context of [1_000_000, 2]) {
      const fake = gitDiff(BEFORE, AFTER, paths, { context });
      const real = newFilesFromDiff(diff(`-U${context}`));
      expect(newFilesFromDiff(fake.text)).toEqual(real);
      expect([...fake.whole].sort()).toEqual([...real.keys()].sort());
    }
    expect(newFilesFromDiff(gitDiff(BEFORE, AFTER, paths, { context: 1_000_000, indexLines: false }).text).size).toBe(0);
  });
});
