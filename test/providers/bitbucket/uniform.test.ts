import nock from "nock";
import { BitbucketProvider } from "../../../src/providers/bitbucket/index.js";
import { createBitbucketHarness } from "../../contract/bitbucket-harness.js";
import { useStrictHttpMock } from "../../helpers/http-mock.js";
import { RENAMES, describeUniformBehaviour } from "../uniform-behaviour.js";

useStrictHttpMock();

const BASE = "a".repeat(40);
const HEAD = "b".repeat(40);

/** Bitbucket's diffstat with a `renamed` entry per rename (old and new path). */
async function renamedUnderConfig() {
  const values = RENAMES.map((r) => ({ type: "diffstat", status: "renamed", lines_added: 0, lines_removed: 0, old: { path: r.from, type: "commit_file" }, new: { path: r.to, type: "commit_file" } }));
  nock("https://api.bitbucket.org")
    .get(`/2.0/repositories/acme/config/diffstat/${HEAD}..${BASE}`)
    .query(true)
    .reply(200, { pagelen: 500, values, page: 1, size: values.length }, { "content-type": "application/json" });
  const bitbucket = new BitbucketProvider({ auth: { token: "t" }, retry: { retries: 0 } });
  return bitbucket.changedFiles({ repository: "acme/config" }, BASE, HEAD, "config");
}

describeUniformBehaviour("bitbucket", createBitbucketHarness, renamedUnderConfig);
