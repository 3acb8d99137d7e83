import { join } from "node:path";
import { ConfigError, DEFAULT_GIT_REMOTE, type GitConnection } from "../../core/index.js";
import type { RemoteCredential } from "./credentials.js";
import { GitRemoteProvider } from "./provider.js";

/**
 * The `git` provider for one tenant's connection: its mirror under the data folder, and the
 * connection's one secret read as the sign-in kind says (a token, a password, or a private key).
 */
export function gitRemoteProvider(dataDir: string, tenant: string, git: GitConnection, secret: string | null): GitRemoteProvider {
  const remote = { ...DEFAULT_GIT_REMOTE, ...git.remote };
  const credential = async (): Promise<RemoteCredential> => {
    if (secret === null || secret === "") {
      const what = remote.auth === "ssh-key" ? "private key" : remote.auth;
      throw new ConfigError(`the git connection has no ${what}: set one with PATCH .../git ({"token": ...})`, { field: "token" });
    }
    switch (remote.auth) {
      case "token":
        return { kind: "token", username: remote.username, token: secret };
      case "password":
        return { kind: "password", username: remote.username ?? "", password: secret };
      case "ssh-key":
        return { kind: "ssh-key", privateKey: secret, hostKey: remote.hostKey };
    }
  };
  return new GitRemoteProvider({
    url: git.repository,
    mirror: join(dataDir, "mirrors", `${tenant}.git`),
    credential,
    compareUrlTemplate: remote.compareUrlTemplate,
  });
}
