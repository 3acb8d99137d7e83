import { useStrictHttpMock } from "../helpers/http-mock.js";
import { GitHubHarness } from "./github-harness.js";
import { runProviderContract } from "./provider-contract.js";

useStrictHttpMock();
runProviderContract("github", async () => new GitHubHarness());
