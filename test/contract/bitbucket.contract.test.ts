import { useStrictHttpMock } from "../helpers/http-mock.js";
import { createBitbucketHarness } from "./bitbucket-harness.js";
import { runProviderContract } from "./provider-contract.js";

useStrictHttpMock();
runProviderContract("bitbucket", createBitbucketHarness);
