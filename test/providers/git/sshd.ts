import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/**
 * A real OpenSSH server on a loopback port, run as the current user with its own config, a
 * generated host key and one authorized key: `git` over SSH against bare repositories in `root`.
 */
export interface SshGitServer {
  root: string;
  port: number;
  /** `ssh://<user>@127.0.0.1:<port>/<root>/<name>.git` */
  url(name: string): string;
  create(name: string): string;
  /** The authorized client key (OpenSSH PEM) and another that is not authorized. */
  clientKey: string;
  strangerKey: string;
  /** The host key as known_hosts holds it: `<type> <base64>`. */
  hostKey: string;
  close(): Promise<void>;
}

const SSHD = "/usr/sbin/sshd";

/** Why SSH tests cannot run here, or null when they can. */
export function sshdMissing(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} is not installed (package openssh-server): SSH cases skipped`;
  if (spawnSync("ssh-keygen", ["-?"]).error) return "ssh-keygen is not installed: SSH cases skipped";
  return null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function keygen(file: string): void {
  const result = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "gitsync-test", "-f", file]);
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr.toString()}`);
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log()}`);
    if (log().includes("Server listening")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

export async function startSshGitServer(): Promise<SshGitServer> {
  const root = await mkdtemp(join(tmpdir(), "gitsync-sshd-"));
  // OpenSSH insists on its privilege separation folder even when not run as root.
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 }).catch(() => undefined);
  for (const name of ["host_key", "client_key", "stranger_key"]) keygen(join(root, name));
  await writeFile(join(root, "authorized_keys"), await readFile(join(root, "client_key.pub")), { mode: 0o600 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${join(root, "host_key")}`,
    `AuthorizedKeysFile ${join(root, "authorized_keys")}`,
    `PidFile ${join(root, "sshd.pid")}`,
    "StrictModes no",
    "UsePAM no",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PubkeyAuthentication yes",
  ].join("\n");
  await writeFile(join(root, "sshd_config"), `${config}\n`);
  const child = spawn(SSHD, ["-D", "-e", "-f", join(root, "sshd_config")], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (c: Buffer) => (log += c.toString("utf8")));
  await waitForPort(port, child, () => log);
  const user = userInfo().username;
  const hostKey = (await readFile(join(root, "host_key.pub"), "utf8")).trim().split(" ").slice(0, 2).join(" ");
  return {
    root,
    port,
    url: (name) => `ssh://${user}@127.0.0.1:${port}${join(root, `${name}.git`)}`,
    create(name) {
      const dir = join(root, `${name}.git`);
      spawnSync("git", ["init", "--bare", "--quiet", "--initial-branch=main", dir]);
      return dir;
    },
    clientKey: await readFile(join(root, "client_key"), "utf8"),
    strangerKey: await readFile(join(root, "stranger_key"), "utf8"),
    hostKey,
    async close() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await rm(root, { recursive: true, force: true });
    },
  };
}
