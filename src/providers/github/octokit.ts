import { ProbotOctokit } from "probot";
import type { Probot } from "probot";
import type { RepoRef } from "../../core/index.js";
import { parseOwnerAndName } from "../kit/index.js";
import { call } from "./errors.js";
import type { GitHubOctokit } from "./options.js";
import { num, obj } from "./shape.js";

/** `owner/name` → its parts; anything else is a configuration mistake worth naming. */
export function splitRepository(repo: RepoRef): { owner: string; repo: string } {
  const [owner, name] = parseOwnerAndName(repo.repository, "GitHub", "owner/name");
  return { owner, repo: name };
}

export interface TokenOctokitOptions {
  token: string;
  /** `https://api.github.com` (default) or a GitHub Enterprise Server's `https://<host>/api/v3`. */
  baseUrl?: string;
  /** Retry plugin options (5xx and 429 without rate-limit headers). */
  retry?: { retries?: number; retryAfterBaseValue?: number };
  /** Milliseconds per second of GitHub's Retry-After (1000 in production). */
  rateLimitWaitUnitMs?: number;
}

/** A token-authenticated client (personal or fine-grained token, or an Actions token). */
export function createTokenOctokit(options: TokenOctokitOptions): GitHubOctokit {
  return new ProbotOctokit({
    auth: { token: options.token },
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, "") } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    throttle: {
      retryAfterBaseValue: options.rateLimitWaitUnitMs ?? 1000,
      // Wait as GitHub asks (Retry-After or the reset time), at most twice per request.
      onRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < 2,
      onSecondaryRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < 2,
    },
  });
}

/**
 * Installation clients for a Probot app: the installation is found from the repository, and
 * remembered per repository in this object (not in the module), so one server serves many.
 */
export class InstallationClients {
  private readonly installations = new Map<string, number>();
  constructor(private readonly app: Pick<Probot, "auth">) {}

  readonly octokitFor = async (repo: RepoRef): Promise<GitHubOctokit> => {
    const target = splitRepository(repo);
    const key = `${target.owner}/${target.repo}`.toLowerCase();
    let id = this.installations.get(key);
    if (id === undefined) {
      const appClient = await this.app.auth();
      const { data } = await call(`find the app installation of ${key}`, () => appClient.rest.apps.getRepoInstallation(target));
      id = num("installation", obj("installation", data), "id");
      this.installations.set(key, id);
    }
    return this.app.auth(id);
  };
}
