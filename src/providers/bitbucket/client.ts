import bitbucket from "bitbucket";
import type { APIClient } from "bitbucket";
import { createRetryingFetch, rawBytes, type FetchLike } from "./http.js";
import { DEFAULT_BASE_URL, type BitbucketProviderOptions } from "./options.js";

/** The `bitbucket` package is CommonJS: its default export is the module object. */
const { Bitbucket } = bitbucket;

export interface BitbucketClient {
  api: APIClient;
  /** Per-request fetch for raw file reads: the body comes back as bytes, never parsed. */
  rawFetch: FetchLike;
}

export function createClient(options: BitbucketProviderOptions): BitbucketClient {
  const retrying = createRetryingFetch({
    ...options.retry,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  const auth = "token" in options.auth ? { token: options.auth.token } : { username: options.auth.username, password: options.auth.appPassword };
  const api = new Bitbucket({
    baseUrl: (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
    auth,
    // The client prints a banner on construction unless told not to.
    notice: false,
    request: { fetch: retrying },
  });
  return { api, rawFetch: rawBytes(retrying) };
}
