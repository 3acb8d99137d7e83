import { execFileSync } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitRemoteProvider } from "../../../src/providers/git/index.js";
import type { ContractHarness } from "../../contract/harness.js";
import { commitInfoOf, git, seedBranch, snapshotOf } from "../local/harness.js";
import { startHttpGitServer, type HttpGitServer } from "./git-servers.js";

export const GIT_WEBHOOK_SECRET = "git-provider-webhook-secret";
const USER = "gitsync";
const TOKEN = "contract-token-0123456789";

let shared: Promise<HttpGitServer> | null = null;
/** One smart-HTTP server for the whole file; each harness gets its own repository on it. */
function server(): Promise<HttpGitServer> {
  shared ??= startHttpGitServer(USER, TOKEN);
  return shared;
}

/** The contract harness of the git provider: a real `git http-backend` behind basic auth. */
export async function createGitHarness(): Promise<ContractHarness> {
  const forge = await server();
  const name = `repo-${randomUUID().slice(0, 8)}`;
  const gitDir = forge.create(name);
  const data = await mkdtemp(join(tmpdir(), "gitsync-git-harness-"));
  const url = forge.url(name);
  const provider = new GitRemoteProvider({
    url,
    mirror: join(data, "mirrors", "tenant.git"),
    credential: async () => ({ kind: "token", username: USER, token: TOKEN }),
    compareUrlTemplate: null,
    webhookSecret: GIT_WEBHOOK_SECRET,
  });
  return {
    provider,
    repo: { repository: url },
    http: false,
    async seed(files) {
      return seedBranch(gitDir, "main", files);
    },
    async emptyRepository() {
      for (const ref of git(gitDir, ["for-each-ref", "--format=%(refname)"]).split("\n").filter(Boolean)) git(gitDir, ["update-ref", "-d", ref]);
    },
    async deleteBranch(branch) {
      git(gitDir, ["update-ref", "-d", `refs/heads/${branch}`]);
    },
    expect() {},
    snapshot: (sha) => snapshotOf(gitDir, sha),
    async head(branch) {
      try {
        return execFileSync("git", [`--git-dir=${gitDir}`, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).toString("utf8").trim();
      } catch {
        return null;
      }
    },
    pushWebhook({ branch, before, after, validSignature }) {
      const rawBody = Buffer.from(JSON.stringify({ ref: `refs/heads/${branch}`, before, after }));
      const key = validSignature ? GIT_WEBHOOK_SECRET : "not-the-secret";
      return {
        headers: { "content-type": "application/json", "x-gitsync-signature-256": `sha256=${createHmac("sha256", key).update(rawBody).digest("hex")}`, "x-gitsync-delivery": randomUUID() },
        rawBody,
      };
    },
    requestCount: () => 0,
    commitInfo: async (sha) => commitInfoOf(gitDir, sha),
    async cleanup() {
      await rm(data, { recursive: true, force: true });
    },
  };
}
