import { operationLabel, type Metrics } from "../core/index.js";
import type { GitHubOctokit } from "./github/index.js";

/**
 * Counting of providers' API requests, in one place per provider: GitHub through an Octokit
 * hook, GitLab and Bitbucket through the fetch their clients run on. Labels are the method and
 * the path with only the API's own words kept (see `operationLabel`).
 */

const GITHUB_WORDS = new Set(["repos", "git", "refs", "commits", "trees", "blobs", "ref", "tarball", "compare", "pulls", "issues", "comments", "check-runs", "installation", "app", "installations", "access_tokens"]);
const GITLAB_WORDS = new Set(["api", "v4", "projects", "repository", "branches", "commits", "files", "raw", "compare", "archive", "archive.tar.gz", "archive.zip", "merge_base", "merge_requests", "notes", "statuses", "tree", "refs", "diff", "user"]);
const BITBUCKET_WORDS = new Set(["2.0", "repositories", "src", "refs", "branches", "tags", "commit", "commits", "statuses", "build", "pullrequests", "comments", "diffstat", "diff", "merge-base", "reports", "annotations", "user"]);

/** A fetch that counts each request it makes (a retry is a request of its own). */
export function countingFetch(provider: "gitlab" | "bitbucket", metrics: Metrics, base?: typeof fetch): typeof fetch {
  const words = provider === "gitlab" ? GITLAB_WORDS : BITBUCKET_WORDS;
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const operation = operationLabel(method, url.pathname, words);
    try {
      // Looked up per call: test interceptors replace the platform's fetch after start-up.
      const response = await (base ?? globalThis.fetch)(input, init);
      metrics.providerRequest(provider, operation, response.status);
      return response;
    } catch (error) {
      metrics.providerRequest(provider, operation, "error");
      throw error;
    }
  };
}

/** Makes each Octokit it is given count its requests (once, however often it is handed out). */
export function githubRequestCounter(metrics: Metrics): (octokit: GitHubOctokit) => GitHubOctokit {
  const hooked = new WeakSet<object>();
  return (octokit) => {
    if (!hooked.has(octokit)) {
      hooked.add(octokit);
      hook(octokit, metrics);
    }
    return octokit;
  };
}

function hook(octokit: GitHubOctokit, metrics: Metrics): void {
  octokit.hook.wrap("request", async (request, options) => {
    // `url` is the endpoint's template (`/repos/{owner}/{repo}/...`) unless a full URL was given.
    const template = String(options.url).replace(/^https?:\/\/[^/]+/, "");
    const words = new Set([...GITHUB_WORDS, ...template.split("/").filter((s) => /^\{\w+\}$/.test(s))]);
    const operation = operationLabel(String(options.method), template, words);
    try {
      const response = await request(options);
      metrics.providerRequest("github", operation, response.status);
      return response;
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      metrics.providerRequest("github", operation, typeof status === "number" ? status : "error");
      throw error;
    }
  });
}
