import { createLocalHarness } from "../providers/local/harness.js";
import { runProviderContract } from "./provider-contract.js";

runProviderContract("local", () => createLocalHarness());
