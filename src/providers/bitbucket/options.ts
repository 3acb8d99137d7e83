/** Everything a BitbucketProvider needs; nothing is read from the environment or module state. */
export type BitbucketAuth =
  /** Repository, project or workspace access token, or an OAuth access token (Bearer). */
  | { token: string }
  /** Username and app password (Basic). */
  | { username: string; appPassword: string };

export interface BitbucketRetryOptions {
  /** Further attempts after the first one for 5xx and 429 answers (default 3). */
  retries?: number;
  /** Back-off before the first retry when no Retry-After is given, doubled each time (default 500). */
  minDelayMs?: number;
  /** Upper bound on any single wait, Retry-After included (default 60,000). */
  maxDelayMs?: number;
  /** How to wait; tests may record waits instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BitbucketProviderOptions {
  /** The REST API root, `https://api.bitbucket.org/2.0` by default. */
  baseUrl?: string;
  /** The web root, used to link a build status to its commit when a check has no details URL. */
  webUrl?: string;
  auth: BitbucketAuth;
  /**
   * The secret configured on the Bitbucket webhook (X-Hub-Signature). Without it the client only
   * makes API calls; the server parses deliveries with its own receiver.
   */
  webhookSecret?: string;
  retry?: BitbucketRetryOptions;
  /** How many raw file reads run at once (default 8). */
  readConcurrency?: number;
  /** Per-request timeout in milliseconds (default 30,000). */
  timeoutMs?: number;
  /** The fetch implementation under the client (default: the platform's fetch). */
  fetch?: typeof fetch;
}

export const DEFAULT_BASE_URL = "https://api.bitbucket.org/2.0";
export const DEFAULT_WEB_URL = "https://bitbucket.org";
