import { access, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { GitsyncError } from "../../core/index.js";
import { ChangedEntries, CommitRelations, GitRunner } from "../kit/index.js";
import { credentialEnv, type RemoteCredential } from "./credentials.js";
import { knownHostsName, type RemoteUrl } from "./url.js";

/**
 * One tenant's bare mirror of a remote repository and the network commands that keep it in
 * step: fetch all branches, push one ref under a lease. The remote's URL is passed to each
 * command, never written into the mirror's config, and credentials live only in the
 * environment of the command that needs them.
 */

/** How a failed network command reads to an admin: what failed and what to do. */
export function explainRemoteFailure(remote: RemoteUrl, stderr: string): GitsyncError {
  const say = (message: string) => new GitsyncError("provider_error", message, { host: remote.host });
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|host key .* (?:differs|mismatch)/i.test(stderr)) {
    return say(
      `the SSH host key of ${knownHostsName(remote)} is not the accepted one: refused. If the server's key really changed, run Test connection and accept the new fingerprint`,
    );
  }
  if (/Permission denied \(publickey|Permission denied, please try again|Load key .*: invalid format|invalid format/i.test(stderr)) {
    return say(`the server ${remote.host} refused the SSH key: check the private key and that its public key is authorized`);
  }
  if (/Authentication failed|returned error: 401|could not read Username|could not read Password|terminal prompts disabled/i.test(stderr)) {
    return say(`the server ${remote.host} refused the credentials (HTTP 401): check the token, or the user name and password`);
  }
  if (/returned error: 403|permission to .* denied|not allowed|access denied/i.test(stderr)) {
    return say(`the server ${remote.host} denied access (403): the credentials lack the rights needed`);
  }
  if (/returned error: 404|repository .* not found|does not appear to be a git repository|not found/i.test(stderr)) {
    return say(`no repository at ${remote.url}: check the URL`);
  }
  if (/Could not resolve host|Connection refused|Connection timed out|Failed to connect|No route to host|Network is unreachable/i.test(stderr)) {
    return say(`${remote.host} cannot be reached: check the URL and the network`);
  }
  const line = stderr.trim().split("\n").filter((l) => l !== "").pop() ?? "no output";
  return say(`git could not talk to ${remote.host}: ${line}`);
}

/** Outcome of a push under a lease: rejected when the remote ref was not where expected. */
export type PushOutcome = "pushed" | "rejected";

export class RemoteMirror {
  readonly git: GitRunner;
  readonly relations: CommitRelations;
  readonly changed = new ChangedEntries();
  private ready: Promise<void> | null = null;

  constructor(
    readonly gitDir: string,
    readonly remote: RemoteUrl,
    private readonly credential: () => Promise<RemoteCredential>,
  ) {
    this.git = new GitRunner(gitDir);
    this.relations = new CommitRelations(this.git);
  }

  /** Creates the mirror on first use (sha1, like every forge gitsync speaks to). */
  open(): Promise<void> {
    this.ready ??= (async () => {
      const exists = await access(join(this.gitDir, "HEAD")).then(() => true, () => false);
      if (exists) return;
      await mkdir(dirname(this.gitDir), { recursive: true });
      await this.git.run(["init", "--bare", "--quiet", "--initial-branch=main"]);
    })();
    this.ready.catch(() => (this.ready = null));
    return this.ready;
  }

  /** Runs one network command with the credentials in its environment only. */
  private async network(args: string[], okCodes: number[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
    await this.open();
    const auth = await credentialEnv(this.remote, await this.credential());
    try {
      const result = await this.git.run(args, { env: auth.env, okCodes: [...okCodes, 1, 128] });
      const out = { code: result.code, stdout: result.stdout.toString("utf8"), stderr: result.stderr };
      if (out.code !== 0 && !okCodes.includes(out.code)) throw explainRemoteFailure(this.remote, out.stderr);
      return out;
    } finally {
      await auth.cleanup();
    }
  }

  /** Brings every branch of the remote into the mirror; branches deleted there go too. */
  async fetch(): Promise<void> {
    await this.network(["fetch", "--quiet", "--prune", "--no-tags", "--no-write-fetch-head", "--", this.remote.url, "+refs/heads/*:refs/heads/*"]);
  }

  /** The remote's branch heads, read without fetching objects (reachability and auth check). */
  async listBranches(): Promise<Map<string, string>> {
    const { stdout } = await this.network(["ls-remote", "--heads", "--", this.remote.url]);
    const heads = new Map<string, string>();
    for (const line of stdout.split("\n")) {
      const [sha, ref] = line.split("\t");
      if (sha && ref?.startsWith("refs/heads/")) heads.set(ref.slice("refs/heads/".length), sha);
    }
    return heads;
  }

  /**
   * Pushes `sha` to a branch only if the remote branch is still at `expected` ("" = must not
   * exist): `--force-with-lease` with an explicit value, so nothing pushed by someone else is
   * ever overwritten. `dryRun` asks the server without changing anything (push rights).
   */
  async push(branch: string, sha: string, expected: string, options: { dryRun?: boolean } = {}): Promise<PushOutcome> {
    const ref = `refs/heads/${branch}`;
    const args = ["push", "--porcelain", "--no-verify", `--force-with-lease=${ref}:${expected}`, ...(options.dryRun ? ["--dry-run"] : [])];
    const { code, stdout, stderr } = await this.network([...args, "--", this.remote.url, `${sha}:${ref}`], [1]);
    // Git skips a ref already at `sha` without checking the lease: it held only if `expected` was `sha`.
    if (code === 0 && /^=\t/m.test(stdout) && expected !== sha) return "rejected";
    if (code === 0) {
      if (!options.dryRun) await this.git.run(["update-ref", ref, sha]);
      return "pushed";
    }
    if (/\[rejected\]|stale info|fetch first|non-fast-forward|\[remote rejected\] .*(?:lock|failed to update ref)/.test(`${stdout}\n${stderr}`)) return "rejected";
    throw explainRemoteFailure(this.remote, `${stderr}\n${stdout}`);
  }
}
