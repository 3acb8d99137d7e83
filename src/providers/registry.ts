import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { ConfigError, GitsyncError } from "../core/index.js";
import type { GitConnection, GitProvider, LocalReviewStore, Metrics, ProviderName, PushEvent, RepoRef } from "../core/index.js";
import { BitbucketProvider } from "./bitbucket/index.js";
import { GitHubProvider, createTokenOctokit, type GitHubOctokit } from "./github/index.js";
import { gitRemoteProvider } from "./git/index.js";
import { GitLabProvider } from "./gitlab/index.js";
import { LocalProvider } from "./local/index.js";
import { redactingProvider } from "./redact.js";
import { countingFetch, githubRequestCounter } from "./request-metrics.js";

/**
 * Picks the adapter for a tenant's git connection (renovate's platform registry, without its
 * module state). Adapters never import each other; only this file knows them all. Instances
 * are kept per provider, base URL and credential, so tenants sharing an account share a client.
 */

export interface ProviderRegistryOptions {
  dataDir: string;
  reviews: LocalReviewStore;
  /** The token of a tenant's git connection (decrypted), or null. */
  tokenFor(tenant: string): Promise<string | null>;
  local: {
    /** Where the local repositories' post-receive hook posts (`<server>/webhooks/local`). */
    hookUrl: string | null;
    webhookSecret: string | null;
    /** Install the pre-receive hook that asks the server before an invalid push lands (default true). */
    pushCheck?: boolean;
    /** Local merges move branches without a push: the engine is told directly. */
    onPush?: (event: PushEvent) => void | Promise<void>;
  };
  github: {
    webhookSecret: string | null;
    /** Installation clients of the GitHub App, once Probot has loaded it. */
    installationClient?: (repo: RepoRef) => Promise<GitHubOctokit>;
    /** GitHub Enterprise Server API root when GHE_HOST is set. */
    baseUrl: string | null;
  };
  gitlab: { webhookSecret: string | null; baseUrl: string | null };
  bitbucket: { webhookSecret: string | null; baseUrl: string | null };
  /** The server's own secrets (keys, webhook secrets): taken out of every provider error, with the tenant's token. */
  secrets?: readonly (string | null)[];
  /** Where hosted providers' API requests are counted. */
  metrics?: Metrics;
}

export class ProviderRegistry {
  private localProvider: LocalProvider | null = null;
  private readonly cache = new Map<string, GitProvider>();
  /** Secrets for instances that only make API calls: deliveries are verified elsewhere. */
  private readonly unusedSecret = randomBytes(32).toString("hex");

  private readonly countGithub: ((octokit: GitHubOctokit) => GitHubOctokit) | null;

  constructor(private readonly options: ProviderRegistryOptions) {
    this.countGithub = options.metrics ? githubRequestCounter(options.metrics) : null;
  }

  /**
   * The local provider, made on first use: by then the server knows its own address, which the
   * repositories' post-receive hook posts to (see `setLocalHookUrl`).
   */
  get local(): LocalProvider {
    const { local } = this.options;
    this.localProvider ??= new LocalProvider({
      root: join(this.options.dataDir, "repos"),
      reviews: this.options.reviews,
      ...(local.hookUrl && local.webhookSecret
        ? { hook: { url: local.hookUrl, secret: local.webhookSecret, pushCheck: local.pushCheck ?? true } }
        : {}),
      ...(local.onPush ? { onPush: local.onPush } : {}),
    });
    return this.localProvider;
  }

  /** The server's own webhook URL, once it listens; only before the local provider is first used. */
  setLocalHookUrl(url: string): void {
    if (this.localProvider) throw new Error("the local provider is already in use: set its hook URL before");
    this.options.local.hookUrl = url;
  }

  /** Lets the GitHub App's installation clients serve tenants once Probot is up. */
  useGithubInstallations(client: (repo: RepoRef) => Promise<GitHubOctokit>): void {
    this.options.github.installationClient = client;
    for (const key of [...this.cache.keys()]) if (key.startsWith("github:")) this.cache.delete(key);
  }

  async forTenant(tenant: string, git: GitConnection): Promise<GitProvider> {
    if (git.provider === "local") return this.local;
    const token = await this.options.tokenFor(tenant);
    const digest = token === null ? "-" : createHash("sha256").update(token).digest("hex");
    // A git provider is one tenant's mirror: never shared, and remade when its settings change.
    const scope = git.provider === "git" ? `${tenant}:${git.repository}:${JSON.stringify(git.remote ?? {})}` : (git.baseUrl ?? "");
    const key = `${git.provider}:${scope}:${digest}`;
    let provider = this.cache.get(key);
    if (!provider) {
      const made = git.provider === "git" ? gitRemoteProvider(this.options.dataDir, tenant, git, token) : this.create(git, token);
      provider = redactingProvider(made, this.secrets(token));
      this.cache.set(key, provider);
    }
    return provider;
  }

  private secrets(token: string | null): string[] {
    return [token, ...(this.options.secrets ?? [])].filter((value): value is string => typeof value === "string" && value !== "");
  }

  /** The instance that verifies and normalises a provider's webhooks, or null if not configured. */
  forWebhook(name: ProviderName): GitProvider | null {
    const receiver = this.receiver(name);
    return receiver === null ? null : redactingProvider(receiver, this.secrets(null));
  }

  private receiver(name: ProviderName): GitProvider | null {
    switch (name) {
      case "local":
        return this.options.local.webhookSecret && this.options.local.hookUrl ? this.local : null;
      case "github": {
        const secret = this.options.github.webhookSecret;
        return secret ? new GitHubProvider({ octokitFor: () => Promise.reject(new Error("webhook parsing only")), webhookSecret: secret }) : null;
      }
      case "gitlab": {
        const secret = this.options.gitlab.webhookSecret;
        return secret ? new GitLabProvider({ token: "", webhookSecret: secret }) : null;
      }
      case "bitbucket": {
        const secret = this.options.bitbucket.webhookSecret;
        return secret ? new BitbucketProvider({ auth: { token: "" }, webhookSecret: secret }) : null;
      }
      case "git":
        // Each git connection has its own secret: deliveries are verified per tenant.
        return null;
    }
  }

  private create(git: GitConnection, token: string | null): GitProvider {
    const required = (): string => {
      if (token === null || token === "") {
        throw new GitsyncError("config_error", `the ${git.provider} connection has no token: set one with PUT .../git ({"token": ...})`, {
          field: "token",
        });
      }
      return token;
    };
    switch (git.provider) {
      case "github": {
        const { github } = this.options;
        const baseUrl = git.baseUrl ?? github.baseUrl;
        const octokitFor =
          token !== null && token !== ""
            ? (() => {
                const client = createTokenOctokit({ token, ...(baseUrl ? { baseUrl } : {}) });
                return async () => client;
              })()
            : github.installationClient;
        if (!octokitFor) {
          throw new GitsyncError(
            "config_error",
            "GitHub is not set up: configure the GitHub App (APP_ID, PRIVATE_KEY) or give the connection a token",
            { field: "token" },
          );
        }
        const count = this.countGithub;
        const counted = count ? async (repo: RepoRef) => count(await octokitFor(repo)) : octokitFor;
        return new GitHubProvider({ octokitFor: counted, webhookSecret: github.webhookSecret ?? this.unusedSecret });
      }
      case "gitlab": {
        const baseUrl = git.baseUrl ?? this.options.gitlab.baseUrl;
        return new GitLabProvider({
          token: required(),
          webhookSecret: this.options.gitlab.webhookSecret ?? this.unusedSecret,
          ...(baseUrl ? { host: baseUrl } : {}),
          ...(this.options.metrics ? { retry: { fetch: countingFetch("gitlab", this.options.metrics) } } : {}),
        });
      }
      case "bitbucket": {
        const baseUrl = git.baseUrl ?? this.options.bitbucket.baseUrl;
        return new BitbucketProvider({
          auth: { token: required() },
          webhookSecret: this.options.bitbucket.webhookSecret ?? this.unusedSecret,
          ...(baseUrl ? { baseUrl } : {}),
          ...(this.options.metrics ? { fetch: countingFetch("bitbucket", this.options.metrics) } : {}),
        });
      }
      default:
        throw new ConfigError(`unknown git provider '${String(git.provider)}'`, { field: "provider" });
    }
  }
}
