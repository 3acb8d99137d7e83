export { AzureDevOpsProvider, type AzureDevOpsProviderOptions } from "./provider.js";
export { API_VERSION, API_VERSION_PREVIEW } from "./client.js";
export { DIFF_PAGE, REFS_PAGE } from "./read.js";
export { MAX_FINDING_THREADS, STATUS_GENRE } from "./checks.js";
export { ZERO_ID } from "./commit.js";
export { parseRepository } from "./naming.js";
export { azureDevOpsWebhookReceiver, type WebhookCredentials } from "./webhook.js";
