import { GitsyncError } from "../../core/index.js";
import { parseHostKey, scanHostKeys, type HostKey } from "./host-key.js";
import type { GitRemoteProvider } from "./provider.js";
import { knownHostsName } from "./url.js";

/** One step of "Test connection"; `hostKey` is what the server shows, for the admin to accept. */
export interface RemoteTestStep {
  check: string;
  ok: boolean;
  message: string;
  hostKey?: HostKey;
}

const failure = (error: unknown): string => (error instanceof GitsyncError ? error.message : "the server did not answer as expected");

/**
 * The pinned host key against what the server shows now. Unpinned: the key to accept. Changed:
 * refused, with both fingerprints so the admin can tell a rotated key from an impostor.
 */
async function hostKeyStep(provider: GitRemoteProvider, pinned: string | null): Promise<RemoteTestStep> {
  const remote = provider.mirror.remote;
  const name = knownHostsName(remote);
  const offered = await scanHostKeys(remote);
  const best = offered[0]!;
  if (pinned === null) {
    return {
      check: "host key",
      ok: false,
      message: `${name} shows host key ${best.fingerprint} (${best.key.split(" ")[0]}): if that is your server's, accept it by saving it as remote.hostKey`,
      hostKey: best,
    };
  }
  const accepted = parseHostKey(pinned);
  if (offered.some((key) => key.key === accepted.key)) return { check: "host key", ok: true, message: `${name} shows the accepted host key ${accepted.fingerprint}` };
  return {
    check: "host key",
    ok: false,
    message: `the host key of ${name} changed: it now shows ${best.fingerprint}, the accepted one is ${accepted.fingerprint}. Connections are refused until you accept the new key`,
    hostKey: best,
  };
}

/** A commit to offer in a dry-run push: the branch head, or an empty root commit made only in the mirror. */
async function probeCommit(provider: GitRemoteProvider, head: string | null): Promise<string> {
  if (head !== null) return head;
  const git = provider.mirror.git;
  const tree = await git.text(["mktree"], { input: "" });
  const env = { GIT_AUTHOR_NAME: "gitsync", GIT_AUTHOR_EMAIL: "gitsync@localhost", GIT_COMMITTER_NAME: "gitsync", GIT_COMMITTER_EMAIL: "gitsync@localhost" };
  return git.text(["commit-tree", tree], { input: "gitsync: push-rights probe (never pushed)\n", env });
}

/**
 * "Test connection" for a plain git server: host key (SSH), reachability and sign-in, the
 * branch, and push rights with a dry-run push of a throwaway branch name. Nothing is written.
 */
export async function testRemote(provider: GitRemoteProvider, branch: string, pinnedHostKey: string | null): Promise<RemoteTestStep[]> {
  const steps: RemoteTestStep[] = [];
  if (provider.mirror.remote.transport === "ssh") {
    const step = await hostKeyStep(provider, pinnedHostKey).catch((error: unknown) => ({ check: "host key", ok: false, message: failure(error) }));
    steps.push(step);
    if (!step.ok) return steps;
  }
  let heads: Map<string, string>;
  try {
    heads = await provider.mirror.listBranches();
    steps.push({ check: "credentials", ok: true, message: `signed in to ${provider.mirror.remote.host}: ${heads.size} branch(es)` });
  } catch (error) {
    steps.push({ check: "credentials", ok: false, message: failure(error) });
    return steps;
  }
  const head = heads.get(branch) ?? null;
  const empty = heads.size === 0;
  steps.push({
    check: "branch",
    ok: head !== null || empty,
    message: head !== null ? `branch ${branch} is at ${head.slice(0, 12)}` : empty ? `the repository is empty: the first commit creates ${branch}` : `branch ${branch} does not exist`,
  });
  try {
    if (head !== null) await provider.mirror.fetch();
    const probe = await probeCommit(provider, head);
    const outcome = await provider.mirror.push(`gitsync-push-check-${Date.now()}`, probe, "", { dryRun: true });
    steps.push({ check: "push", ok: outcome === "pushed", message: outcome === "pushed" ? "the server accepts pushes (dry run)" : "the server refused a dry-run push" });
  } catch (error) {
    steps.push({ check: "push", ok: false, message: failure(error) });
  }
  return steps;
}
