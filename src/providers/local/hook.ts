import { chmod, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { packageRoot } from "../../catalog/package-root.js";
import { HOOK_CONFIG_FILE } from "./hook/files.js";
import { hookFromSource } from "./hook/from-source.js";
import type { HookName } from "./hook/run.js";

export { HOOK_CONFIG_FILE, HOOK_LOG_FILE } from "./hook/files.js";

/**
 * Installs the hooks that connect a local bare repository to the server: post-receive turns a
 * real `git push` into a `/webhooks/local` delivery and prints its result; pre-receive (when the
 * push check is on) asks `/webhooks/local/check` first and refuses a push inbound would refuse.
 * Each hook is a POSIX sh wrapper that runs the hook module (hook/run.ts, built like the rest)
 * with the installing server's Node binary. The URL and secret live in a 0600 file inside the
 * bare repository, never in git or a script.
 */

export interface HookOptions {
  /** The server's `/webhooks/local` URL. */
  url: string;
  /** Shared secret for the HMAC-SHA256 signature. */
  secret: string;
  /** Milliseconds one request may take before the hook gives up (default 10000). */
  timeoutMs?: number;
  /** Install the pre-receive check (default false; the server turns it on unless told not to). */
  pushCheck?: boolean;
}

const MARK = "# Installed by gitsync.";

/** Quotes a value for POSIX sh: single quotes, with embedded ones closed and escaped. */
function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The hook module Node runs: the built `.js` (found from the package root: the built server runs
 * this code from a bundled chunk elsewhere), or, run from source, the module built once for this
 * process.
 */
function hookScript(): Promise<string> {
  if (!import.meta.url.endsWith(".ts")) return Promise.resolve(join(packageRoot(), "dist", "src", "providers", "local", "hook", "run.js"));
  return hookFromSource();
}

async function writeHook(gitDir: string, hook: HookName): Promise<void> {
  // Hooks installed by earlier versions were a copy of the script: gone once the wrapper runs the module.
  await rm(join(gitDir, "hooks", `gitsync-${hook}.mjs`), { force: true });
  const command = [process.execPath, await hookScript(), hook];
  const wrapper = `#!/bin/sh\n${MARK}\nexec ${command.map(shQuote).join(" ")}\n`;
  await writeFile(join(gitDir, "hooks", hook), wrapper, { mode: 0o755 });
  await chmod(join(gitDir, "hooks", hook), 0o755);
}

/** Removes a hook gitsync installed earlier; one a person wrote is left alone. */
async function removeHook(gitDir: string, hook: string): Promise<void> {
  const path = join(gitDir, "hooks", hook);
  const text = await readFile(path, "utf8").catch(() => null);
  if (text?.includes(MARK)) await rm(path, { force: true });
}

export async function installHook(gitDir: string, repository: string, options: HookOptions): Promise<void> {
  const config = { repository, url: options.url, secret: options.secret, timeoutMs: options.timeoutMs ?? 10_000 };
  await writeFile(join(gitDir, HOOK_CONFIG_FILE), `${JSON.stringify(config)}\n`, { mode: 0o600 });
  await chmod(join(gitDir, HOOK_CONFIG_FILE), 0o600);
  await writeHook(gitDir, "post-receive");
  if (options.pushCheck) await writeHook(gitDir, "pre-receive");
  else await removeHook(gitDir, "pre-receive");
}
