import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { GitsyncError } from "../../core/index.js";
import type { RemoteUrl } from "./url.js";

/**
 * SSH host keys, pinned per connection. A key is kept as `<type> <base64>` (a known_hosts line
 * without its host name), and shown as OpenSSH shows it: `SHA256:` and the unpadded base64 of
 * the SHA-256 of the key blob.
 */

const KEY_LINE = /^(ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,2})$/;
/** The key type ssh would choose first among those a server offers. */
const PREFERENCE = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"];

export interface HostKey {
  /** `<type> <base64>`. */
  key: string;
  fingerprint: string;
}

/** The key in its stored form, or a clear error naming the field. */
export function parseHostKey(text: string): HostKey {
  const key = text.trim().split(/\s+/).slice(0, 2).join(" ");
  const match = KEY_LINE.exec(key);
  if (!match) {
    throw new GitsyncError("bad_request", "invalid git connection: remote.hostKey must be '<type> <base64>' as Test connection shows it", {
      field: "remote.hostKey",
    });
  }
  return { key, fingerprint: fingerprintOf(match[2]!) };
}

export function fingerprintOf(base64: string): string {
  return `SHA256:${createHash("sha256").update(Buffer.from(base64, "base64")).digest("base64").replace(/=+$/, "")}`;
}

/** A known_hosts file pinning exactly one key for the remote's host and port. */
export function knownHostsLine(hostName: string, key: string): string {
  return `${hostName} ${parseHostKey(key).key}\n`;
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, env: { PATH: process.env.PATH ?? "", LC_ALL: "C" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", (error) => reject(new GitsyncError("provider_error", `${command} could not start: ${error.message}`)));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * The keys the server offers now, its preferred type first, read with `ssh-keyscan`. Used only
 * to show the admin what to accept: nothing is trusted until they accept it.
 */
export async function scanHostKeys(remote: RemoteUrl, timeoutSeconds = 10): Promise<HostKey[]> {
  const { stdout } = await run("ssh-keyscan", ["-T", String(timeoutSeconds), "-p", String(remote.port), "--", remote.host], (timeoutSeconds + 5) * 1000);
  const keys = stdout
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.split(" ").slice(1).join(" "))
    .filter((key) => KEY_LINE.test(key));
  const rank = (key: string): number => {
    const index = PREFERENCE.indexOf(key.split(" ")[0]!);
    return index < 0 ? PREFERENCE.length : index;
  };
  if (keys.length === 0) throw new GitsyncError("provider_error", `no SSH host key could be read from ${remote.host} port ${remote.port}: is the server reachable?`);
  return keys.sort((a, b) => rank(a) - rank(b)).map(parseHostKey);
}
