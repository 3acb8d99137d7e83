export { GitRemoteProvider, type GitRemoteProviderOptions } from "./provider.js";
export type { RemoteCredential } from "./credentials.js";
export { parseHostKey, scanHostKeys, fingerprintOf, type HostKey } from "./host-key.js";
export { parseRemoteUrl, type RemoteUrl } from "./url.js";
export { signatureValid } from "./webhook.js";
export { gitRemoteProvider } from "./from-connection.js";
export { testRemote, type RemoteTestStep } from "./connection-test.js";
