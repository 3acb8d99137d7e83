import { useStrictHttpMock } from "../helpers/http-mock.js";
import { createGitLabHarness } from "./gitlab-harness.js";
import { runProviderContract } from "./provider-contract.js";

useStrictHttpMock();
runProviderContract("gitlab", createGitLabHarness);
