export { GitLabProvider, COMPARE_DIFF_LIMIT, DEFAULT_RAW_FILE_LIMIT, type GitLabProviderOptions } from "./provider.js";
export { GitLabHttpError, retryAfterMs, type RetryOptions } from "./requester.js";
export { parseGitLabWebhook, verifyGitLabToken } from "./webhook.js";
