export { LocalProvider, type FileCommit, type LocalProviderOptions } from "./provider.js";
export { type HookOptions, HOOK_LOG_FILE } from "./hook.js";
export { DELIVERY_HEADER, SIGNATURE_HEADER, sign, type LocalPushPayload } from "./webhook.js";
