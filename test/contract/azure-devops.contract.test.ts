import { useStrictHttpMock } from "../helpers/http-mock.js";
import { createAzureDevOpsHarness } from "./azure-devops-harness.js";
import { runProviderContract } from "./provider-contract.js";

useStrictHttpMock();
runProviderContract("azure-devops", createAzureDevOpsHarness);
