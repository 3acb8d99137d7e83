import { spawn } from "node:child_process";
import { GitsyncError } from "../../core/index.js";

/** The outcome of one git process; stdout stays binary because blobs and -z output are bytes. */
export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface GitRunOptions {
  input?: Buffer | string;
  env?: Record<string, string>;
  /** Exit codes that are answers, not failures (e.g. 1 for `merge-base --is-ancestor`). */
  okCodes?: number[];
}

/**
 * Runs git against one bare repository with an argument vector (never a shell string). The
 * environment is pinned so the system config, prompts and locale cannot change what the
 * plumbing prints or make it wait for a terminal.
 */
export class GitRunner {
  constructor(
    readonly gitDir: string,
    private readonly baseEnv: Record<string, string> = {},
  ) {}

  run(args: string[], options: GitRunOptions = {}): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("git", [`--git-dir=${this.gitDir}`, ...args], {
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          LANG: "C",
          LC_ALL: "C",
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_TERMINAL_PROMPT: "0",
          // Paths are file names, never pathspec magic or globs.
          GIT_LITERAL_PATHSPECS: "1",
          ...this.baseEnv,
          ...options.env,
        },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
      child.on("error", (error) => reject(new GitsyncError("provider_error", `git could not start: ${error.message}`)));
      child.on("close", (code) => {
        const result = { code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") };
        if (result.code === 0 || options.okCodes?.includes(result.code)) resolve(result);
        else reject(new GitsyncError("provider_error", `git ${args[0] ?? ""} failed (${result.code}): ${result.stderr.trim()}`));
      });
      // A process that exits early closes stdin; the close handler reports the real failure.
      child.stdin.on("error", () => undefined);
      child.stdin.end(options.input ?? "");
    });
  }

  async text(args: string[], options: GitRunOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.toString("utf8").trim();
  }
}

/**
 * For processes that stream thousands of objects: glibc otherwise grows and trims the heap
 * around every object (four `brk` calls per blob in `fast-import`), which dominated a
 * 10,000-file commit where system calls are slow. A documented glibc tunable; other C
 * libraries ignore it.
 */
export const BULK_ENV = { MALLOC_TOP_PAD_: String(16 * 1024 * 1024) };

/** Splits NUL-terminated output (`-z`) into its records. */
export function splitZ(output: Buffer | string): string[] {
  const text = typeof output === "string" ? output : output.toString("utf8");
  const parts = text.split("\0");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  oid: string;
  path: string;
}

/** Parses `git ls-tree -z` records: `<mode> SP <type> SP <oid> TAB <path>`. */
export function parseLsTree(output: Buffer): TreeEntry[] {
  return splitZ(output).map((record) => {
    const tab = record.indexOf("\t");
    const [mode, type, oid] = record.slice(0, tab).split(" ");
    return { mode: mode ?? "", type: type as TreeEntry["type"], oid: oid ?? "", path: record.slice(tab + 1) };
  });
}

/**
 * Reads many objects through one `git cat-file --batch`: the output is, per object,
 * `<oid> <type> <size>\n<content>\n`, so contents are cut by their declared size.
 */
export async function readBlobs(git: GitRunner, oids: string[]): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  const unique = [...new Set(oids)];
  if (unique.length === 0) return blobs;
  const { stdout } = await git.run(["cat-file", "--batch"], { input: `${unique.join("\n")}\n`, env: BULK_ENV });
  let offset = 0;
  while (offset < stdout.length) {
    const newline = stdout.indexOf(0x0a, offset);
    if (newline < 0) break;
    const header = stdout.subarray(offset, newline).toString("utf8").split(" ");
    const [oid, type, size] = header;
    if (type === "missing" || oid === undefined) throw new GitsyncError("provider_error", `git object ${oid ?? "?"} is missing`);
    const length = Number(size);
    blobs.set(oid, stdout.subarray(newline + 1, newline + 1 + length));
    offset = newline + 1 + length + 1;
  }
  return blobs;
}
