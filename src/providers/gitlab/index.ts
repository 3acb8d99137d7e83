export { GitLabProvider, COMPARE_DIFF_LIMIT, DEFAULT_RAW_FILE_LIMIT, HEAD_FRESH_MS, type GitLabProviderOptions } from "./provider.js";
export { GitLabHttpError, type RetryOptions } from "./requester.js";
export { retryAfterMs } from "../kit/index.js";
export { parseGitLabWebhook, verifyGitLabToken } from "./webhook.js";
export { gitlabWebhookReceiver } from "./webhook.js";
