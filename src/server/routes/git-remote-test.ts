import { GitsyncError } from "../../core/errors.js";
import { DEFAULT_GIT_REMOTE, type GitConnection } from "../../core/types.js";
import { testRemote, type GitRemoteProvider, type RemoteTestStep } from "../../providers/git/index.js";
import type { ApiDeps } from "../deps.js";

/**
 * "Test connection" of a `git` connection: the provider's own steps (host key, sign-in, branch,
 * push rights), then how pushes reach gitsync (polling, the signed webhook).
 */
export async function testGitRemote(deps: ApiDeps, tenant: string, git: GitConnection): Promise<RemoteTestStep[]> {
  const remote = { ...DEFAULT_GIT_REMOTE, ...git.remote };
  let steps: RemoteTestStep[];
  try {
    const provider = (await deps.registry.forTenant(tenant, git)) as GitRemoteProvider;
    steps = await testRemote(provider, git.branch, remote.hostKey);
  } catch (error) {
    steps = [{ check: "credentials", ok: false, message: error instanceof GitsyncError ? error.message : "the git connection could not be set up" }];
  }
  const secret = (await deps.store.getGitWebhookSecret(tenant)) !== null;
  const polling = remote.pollIntervalSeconds > 0 ? `polled every ${remote.pollIntervalSeconds}s` : "not polled";
  steps.push({
    check: "webhooks",
    ok: secret || remote.pollIntervalSeconds > 0,
    message: secret
      ? `${polling}; signed deliveries to /webhooks/git/${tenant} fetch at once`
      : `${polling}; no webhook secret: set webhookSecret to have pushes fetched at once`,
  });
  return steps;
}
