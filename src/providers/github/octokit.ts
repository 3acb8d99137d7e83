import { ProbotOctokit } from "probot";
import type { Probot } from "probot";
import type { RepoRef } from "../../core/index.js";
import { parseOwnerAndName } from "../kit/index.js";
import { call, statusOf } from "./errors.js";
import type { GitHubOctokit } from "./options.js";
import { InstallationAnswer, read } from "./schema.js";

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
 * What is remembered is dropped when GitHub says it changed: an `installation` or
 * `installation_repositories` event (`forget`), or a 404 on an installation's token (the app was
 * uninstalled or lost the repository); the next call then looks the installation up again.
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
      id = read(InstallationAnswer, data, "installation").id;
      this.installations.set(key, id);
    }
    const octokit = await this.app.auth(id);
    const installation = id;
    octokit.hook.error("request", (error) => {
      if (statusOf(error) === 404 && /\/app\/installations\/\d+\/access_tokens/.test(requestUrl(error))) this.forget({ installation });
      throw error;
    });
    return octokit;
  };

  /** Forgets an installation (all its repositories) and the named repositories, whatever their installation. */
  forget(changed: { installation?: number; repositories?: readonly string[] }): void {
    const names = new Set((changed.repositories ?? []).map((name) => name.toLowerCase()));
    for (const [key, id] of [...this.installations]) {
      if (id === changed.installation || names.has(key)) this.installations.delete(key);
    }
  }

  /** How many repositories have a remembered installation (for tests and diagnostics). */
  get size(): number {
    return this.installations.size;
  }
}

function requestUrl(error: unknown): string {
  const url = (error as { request?: { url?: unknown } } | null)?.request?.url;
  return typeof url === "string" ? url : "";
}
