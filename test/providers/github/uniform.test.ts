import nock from "nock";
import { GitHubProvider, createTokenOctokit } from "../../../src/providers/github/index.js";
import { GitHubHarness } from "../../contract/github-harness.js";
import { useStrictHttpMock } from "../../helpers/http-mock.js";
import { RENAMES, describeUniformBehaviour } from "../uniform-behaviour.js";

useStrictHttpMock();

const BASE = "a".repeat(40);
const HEAD = "b".repeat(40);

/** GitHub's compare answer with a `renamed` file (and previous_filename) per rename. */
async function renamedUnderConfig() {
  const files = RENAMES.map((r) => ({ sha: HEAD, filename: r.to, previous_filename: r.from, status: "renamed", additions: 0, deletions: 0, changes: 0 }));
  nock("https://api.github.com")
    .get(`/repos/acme/config/compare/${BASE}...${HEAD}`)
    .query(true)
    .reply(200, { status: "ahead", ahead_by: 1, behind_by: 0, total_commits: 1, merge_base_commit: { sha: BASE }, files }, { "content-type": "application/json" });
  const octokit = createTokenOctokit({ token: "t", retry: { retries: 0 } });
  const github = new GitHubProvider({ octokitFor: async () => octokit });
  return github.changedFiles({ repository: "acme/config" }, BASE, HEAD, "config");
}

describeUniformBehaviour("github", async () => new GitHubHarness(), renamedUnderConfig);
