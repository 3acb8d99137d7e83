import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The post-receive hook that turns a real `git push` into a `/webhooks/local` delivery. It is
 * a small Node script (Node is always there: it runs gitsync), started by a POSIX sh wrapper
 * that names the Node binary of the installing server. The URL and secret live in a 0600
 * file inside the bare repository, never in git's history or in the script. The hook never
 * fails or stalls the push: each delivery has a timeout, and a failure is reported to the
 * pusher (`remote: gitsync: ...`) and appended to `gitsync-hook.log` in the repository.
 */

export const HOOK_CONFIG_FILE = "gitsync-hook.json";
export const HOOK_LOG_FILE = "gitsync-hook.log";
const HOOK_SCRIPT_FILE = "gitsync-post-receive.mjs";

export interface HookOptions {
  /** The server's `/webhooks/local` URL. */
  url: string;
  /** Shared secret for the HMAC-SHA256 signature. */
  secret: string;
  /** Milliseconds one delivery may take before the hook gives up (default 5000). */
  timeoutMs?: number;
}

const SCRIPT = String.raw`// Installed by gitsync: POSTs each pushed branch update to the gitsync server.
import { createHmac, randomUUID } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";

const gitDir = process.env.GIT_DIR || ".";
const log = (message) => {
  const line = new Date().toISOString() + " " + message;
  process.stderr.write("gitsync: " + message + "\n");
  try { appendFileSync(gitDir + "/${HOOK_LOG_FILE}", line + "\n"); } catch {}
};

let config;
try {
  config = JSON.parse(readFileSync(gitDir + "/${HOOK_CONFIG_FILE}", "utf8"));
} catch (error) {
  log("webhook not sent: cannot read ${HOOK_CONFIG_FILE}: " + error.message);
  process.exit(0);
}

const input = readFileSync(0, "utf8");
const updates = input.split("\n").filter(Boolean).map((line) => {
  const [before, after, ref] = line.split(" ");
  return { before, after, ref };
});

for (const update of updates) {
  const body = JSON.stringify({ repository: config.repository, updates: [update] });
  const signature = "sha256=" + createHmac("sha256", config.secret).update(body).digest("hex");
  try {
    const response = await fetch(config.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-gitsync-signature": signature, "x-gitsync-delivery": randomUUID() },
      body,
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    if (!response.ok) log("webhook for " + update.ref + " failed: HTTP " + response.status);
  } catch (error) {
    // Origin and path only: a URL's user info or query must not reach a log.
    const target = (() => { try { const u = new URL(config.url); return u.origin + u.pathname; } catch { return "(bad url)"; } })();
    log("webhook for " + update.ref + " failed: " + (error.cause?.code || error.name || "error") + " (" + target + ")");
  }
}
process.exit(0);
`;

/** Quotes a value for POSIX sh: single quotes, with embedded ones closed and escaped. */
function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export async function installHook(gitDir: string, repository: string, options: HookOptions): Promise<void> {
  const config = { repository, url: options.url, secret: options.secret, timeoutMs: options.timeoutMs ?? 5000 };
  await writeFile(join(gitDir, HOOK_CONFIG_FILE), `${JSON.stringify(config)}\n`, { mode: 0o600 });
  await chmod(join(gitDir, HOOK_CONFIG_FILE), 0o600);
  await writeFile(join(gitDir, "hooks", HOOK_SCRIPT_FILE), SCRIPT);
  const wrapper = `#!/bin/sh\n# Installed by gitsync.\nexec ${shQuote(process.execPath)} "\${GIT_DIR:-.}/hooks/${HOOK_SCRIPT_FILE}"\n`;
  await writeFile(join(gitDir, "hooks", "post-receive"), wrapper, { mode: 0o755 });
  await chmod(join(gitDir, "hooks", "post-receive"), 0o755);
}
