import type { GitProvider, OpenPullRequest } from "../core/index.js";

/** Where a pushed branch can be reviewed: its pull request, or (no pull request API) a compare link. */
export interface ReviewLink {
  /** The pull request's number; null when the provider has no pull requests. */
  number: number | null;
  /** The pull request's page or the compare link; null when neither exists. */
  url: string | null;
}

/**
 * Opens a pull request for a pushed branch where the provider can; a plain git server has no
 * pull request API, so the branch stays pushed and is shown with the provider's compare link.
 */
export async function requestReview(provider: GitProvider, request: OpenPullRequest): Promise<ReviewLink> {
  if (provider.capabilities.pullRequests === false) {
    return { number: null, url: provider.compareUrl?.({ repository: request.repository }, request.base, request.head) ?? null };
  }
  const pr = await provider.openPullRequest(request);
  return { number: pr.number, url: pr.url };
}
