import { createGitHarness } from "../providers/git/harness.js";
import { runProviderContract } from "./provider-contract.js";

// A real smart-HTTP git server on loopback with basic auth (git http-backend).
runProviderContract("git", () => createGitHarness());
