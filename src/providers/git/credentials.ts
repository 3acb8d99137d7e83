import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../core/index.js";
import { knownHostsLine } from "./host-key.js";
import { knownHostsName, type RemoteUrl } from "./url.js";

/** The secret of a `git` connection, by how it signs in. */
export type RemoteCredential =
  | { kind: "token"; username: string | null; token: string }
  | { kind: "password"; username: string; password: string }
  | { kind: "ssh-key"; privateKey: string; hostKey: string | null }
  | { kind: "none" };

/** Environment for one network git command, and what to remove once it has run. */
export interface CredentialEnv {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** Single-quoted for the shell that runs GIT_SSH_COMMAND. */
const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * HTTPS credentials travel as an `Authorization` header set through GIT_CONFIG_COUNT/KEY/VALUE:
 * never in the URL, a config file or a process argument. Tokens use basic auth too (with the
 * user name given, or `git`), which Gitea, Forgejo, GitLab, Bitbucket and GitHub all accept.
 */
function httpsEnv(credential: RemoteCredential): Record<string, string> {
  // No stored helper answers for this server, and no redirect can carry the header to another host.
  const env: Record<string, string> = {
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: "credential.helper",
    GIT_CONFIG_VALUE_0: "",
    GIT_CONFIG_KEY_1: "http.followRedirects",
    GIT_CONFIG_VALUE_1: "false",
  };
  if (credential.kind === "ssh-key") throw new ConfigError("an ssh-key connection needs an ssh:// or user@host:path URL", { field: "remote.auth" });
  if (credential.kind === "none") return env;
  const [user, secret] = credential.kind === "token" ? [credential.username ?? "git", credential.token] : [credential.username, credential.password];
  const basic = Buffer.from(`${user}:${secret}`, "utf8").toString("base64");
  return { ...env, GIT_CONFIG_COUNT: "3", GIT_CONFIG_KEY_2: "http.extraHeader", GIT_CONFIG_VALUE_2: `Authorization: Basic ${basic}` };
}

/**
 * SSH runs with only the connection's key (written 0600 into a private temporary folder that is
 * removed afterwards) and only its accepted host key: no agent, no user config, no prompt.
 */
async function sshEnv(remote: RemoteUrl, credential: RemoteCredential): Promise<CredentialEnv> {
  if (credential.kind !== "ssh-key") throw new ConfigError("an ssh URL needs the ssh-key sign-in with a private key", { field: "remote.auth" });
  if (credential.hostKey === null) {
    throw new ConfigError(
      `the SSH host key of ${knownHostsName(remote)} is not accepted yet: run Test connection and accept its fingerprint`,
      { field: "remote.hostKey" },
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "gitsync-ssh-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const keyFile = join(dir, "key");
    const knownHosts = join(dir, "known_hosts");
    const key = credential.privateKey.endsWith("\n") ? credential.privateKey : `${credential.privateKey}\n`;
    await writeFile(keyFile, key, { mode: 0o600 });
    await writeFile(knownHosts, knownHostsLine(knownHostsName(remote), credential.hostKey), { mode: 0o600 });
    const command = [
      "ssh -F /dev/null",
      `-o UserKnownHostsFile=${quote(knownHosts)}`,
      "-o GlobalKnownHostsFile=/dev/null",
      "-o StrictHostKeyChecking=yes",
      "-o IdentitiesOnly=yes",
      "-o IdentityAgent=none",
      "-o BatchMode=yes",
      "-o ConnectTimeout=15",
      `-i ${quote(keyFile)}`,
    ].join(" ");
    return { env: { GIT_SSH_COMMAND: command, GIT_SSH_VARIANT: "ssh" }, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export async function credentialEnv(remote: RemoteUrl, credential: RemoteCredential): Promise<CredentialEnv> {
  const base = { GIT_ALLOW_PROTOCOL: remote.transport === "ssh" ? "ssh" : "https:http" };
  if (remote.transport === "ssh") {
    const ssh = await sshEnv(remote, credential);
    return { env: { ...base, ...ssh.env }, cleanup: () => ssh.cleanup() };
  }
  return { env: { ...base, ...httpsEnv(credential) }, cleanup: async () => undefined };
}
