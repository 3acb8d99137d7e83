export { BitbucketProvider, BITBUCKET_CAPABILITIES } from "./provider.js";
export type { BitbucketAuth, BitbucketProviderOptions, BitbucketRetryOptions } from "./options.js";
export { DEFAULT_BASE_URL as BITBUCKET_API_URL } from "./options.js";
export { signBody as signBitbucketBody } from "./webhook.js";
export { bitbucketWebhookReceiver } from "./webhook.js";
