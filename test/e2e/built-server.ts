import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { bannerComplete } from "../../src/server/banner.js";

/*
 * End-to-end tests run the product as a user does: the build (`npm run build`'s steps), started
 * as `gitsync serve` in its own process on a fresh data folder. The build goes to a temporary
 * folder keyed by a hash of the sources, so the checkout stays clean and test files that run in
 * parallel (or later runs on unchanged sources) share one build.
 */

const root = join(import.meta.dirname, "..", "..");
const exec = promisify(execFile);

export const E2E_ADMIN_TOKEN = "gs_e2e_admin_token_0123456789abcdef";
export const E2E_SECRET_KEY = "b".repeat(64);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else out.push(path);
  }
  return out;
}

function sourceHash(): string {
  const hash = createHash("sha256");
  const files = [...sourceFiles(join(root, "src")), join(root, "package.json"), join(root, "app.yml"), join(root, "tsconfig.json")];
  for (const file of files.sort()) {
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

async function buildInto(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, "package.json"), join(dir, "package.json"));
  cpSync(join(root, "app.yml"), join(dir, "app.yml"));
  // Data files (kind schemas, web sources) are found from the package root, as in a checkout.
  symlinkSync(join(root, "src"), join(dir, "src"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  const node = (args: string[]) => exec(process.execPath, args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  // The same JavaScript as `npm run build`'s tsc, without checking types (`npm run typecheck`
  // does) or reading the dependencies' declarations: with isolatedModules each file compiles on
  // its own, so this takes a fraction of the time the whole program does.
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  await node([tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", join(dir, "dist"), "--noCheck", "--noResolve"]);
  await node([join(dir, "dist", "src", "catalog", "precompile.js")]);
  await node([join(dir, "dist", "src", "cli", "bundle.js")]);
  await node([join(dir, "dist", "src", "web", "build.js")]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The folder holding a build of the current sources (`<dir>/dist/src/cli/main.js`). Builds it
 * once; a concurrent caller waits for the one that builds.
 */
export async function builtPackage(): Promise<string> {
  const base = join(tmpdir(), "gitsync-e2e-builds");
  mkdirSync(base, { recursive: true });
  const dir = join(base, sourceHash());
  const ready = join(dir, ".ready");
  const lock = `${dir}.lock`;
  for (let waited = 0; !existsSync(ready); waited += 200) {
    try {
      mkdirSync(lock);
    } catch {
      // Another process builds; a lock older than the longest build is a dead builder's.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
      continue;
    }
    try {
      if (!existsSync(ready)) {
        const scratch = `${dir}.tmp-${process.pid}`;
        rmSync(scratch, { recursive: true, force: true });
        await buildInto(scratch);
        writeFileSync(join(scratch, ".ready"), "");
        rmSync(dir, { recursive: true, force: true });
        renameSync(scratch, dir);
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return dir;
}

/** A `gitsync serve` process of the build, on a loopback port. */
export interface BuiltServer {
  url: string;
  dataDir: string;
  token: string;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** What it wrote to stdout alone (log lines) and to stderr alone (the start banner). */
  stdout(): string;
  stderr(): string;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL at once, as a crash would: no shutdown work runs. */
  kill(): Promise<void>;
}

export interface ServeOptions {
  env?: Record<string, string>;
  /** Reuse a data folder (a restart); a fresh temporary one otherwise, removed by stop/kill. */
  dataDir?: string;
  /** Working folder of the process (where a `.env` would be read); a fresh one by default. */
  cwd?: string;
}

export async function serveBuilt(options: ServeOptions = {}): Promise<BuiltServer> {
  const pkg = await builtPackage();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "gitsync-e2e-data-")));
  const cwd = options.cwd ?? (await mkdtemp(join(tmpdir(), "gitsync-e2e-cwd-")));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? tmpdir(),
    PORT: "0",
    HOST: "127.0.0.1",
    GITSYNC_DATA_DIR: dataDir,
    GITSYNC_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
    GITSYNC_SECRET_KEY: E2E_SECRET_KEY,
    LOG_LEVEL: "debug",
    ...options.env,
  };
  const child = spawn(process.execPath, [join(pkg, "dist", "src", "cli", "main.js"), "serve"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const streams = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    streams.stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    streams.stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gitsync serve did not start in 60 s:\n${output}`)), 60_000);
    const poll = setInterval(() => {
      const found = /gitsync listening on (http:\/\/[^\s"]+)/.exec(output);
      // The start ends with the banner on stderr, printed after the listening line on stdout:
      // the two pipes can be read in either order, so wait for the banner's closing rule too.
      if (found && bannerComplete(streams.stderr)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(found[1]!.replace(/\/$/, ""));
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`gitsync serve exited with ${code}:\n${output}`));
    });
  });
  const cleanup = async () => {
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    if (!options.cwd) await rm(cwd, { recursive: true, force: true });
  };
  return {
    url,
    dataDir,
    token: env.GITSYNC_ADMIN_TOKEN!,
    process: child,
    output: () => output,
    stdout: () => streams.stdout,
    stderr: () => streams.stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await exited;
      await cleanup();
      return code;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
      await cleanup();
    },
  };
}

/** A JSON call against a built server, as curl would make it. */
export async function callBuilt(
  server: Pick<BuiltServer, "url" | "token">,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string | Buffer; token?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? server.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | Buffer | undefined = options.raw;
  if (body === undefined && options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}
