export { GitHubProvider } from "./provider.js";
export { GITHUB_CAPABILITIES, type GitHubOctokit, type GitHubProviderOptions } from "./options.js";
export { createTokenOctokit, InstallationClients, splitRepository, type TokenOctokitOptions } from "./octokit.js";
export { truncateSummary } from "./checks.js";
export { githubWebhookReceiver, normalizeGitHubEvent } from "./webhook.js";
