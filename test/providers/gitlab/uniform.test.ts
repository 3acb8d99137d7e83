import nock from "nock";
import { GitLabProvider } from "../../../src/providers/gitlab/index.js";
import { createGitLabHarness } from "../../contract/gitlab-harness.js";
import { useStrictHttpMock } from "../../helpers/http-mock.js";
import { RENAMES, describeUniformBehaviour } from "../uniform-behaviour.js";

useStrictHttpMock();

const HOST = "https://gitlab.uniform.test";
const BASE = "a".repeat(40);
const HEAD = "b".repeat(40);

/** GitLab's compare answer with a renamed_file entry per rename, as GitLab lists them. */
async function renamedUnderConfig() {
  const diffs = RENAMES.map((r) => ({ old_path: r.from, new_path: r.to, new_file: false, renamed_file: true, deleted_file: false, diff: "" }));
  nock(HOST)
    .get("/api/v4/projects/acme%2Fconfig/repository/compare")
    .query((q) => q.from === BASE && q.to === HEAD)
    .reply(200, { commit: null, commits: [], diffs, compare_timeout: false, compare_same_ref: false }, { "content-type": "application/json" });
  const gitlab = new GitLabProvider({ host: HOST, token: "t", retry: { retries: 0 } });
  return gitlab.changedFiles({ repository: "acme/config" }, BASE, HEAD, "config");
}

describeUniformBehaviour("gitlab", createGitLabHarness, renamedUnderConfig);
