import { createHash } from "node:crypto";
import { join } from "node:path";
import { ConfigError, GitsyncError } from "../core/index.js";
import type { GitConnection, GitProvider, LocalReviewStore, Metrics, ProviderName, PushEvent, RepoRef, WebhookReceiver } from "../core/index.js";
import { AzureDevOpsProvider, azureDevOpsWebhookReceiver } from "./azure-devops/index.js";
import { BitbucketProvider, bitbucketWebhookReceiver } from "./bitbucket/index.js";
import { ClientCache } from "./client-cache.js";
import { GitHubProvider, createTokenOctokit, githubWebhookReceiver, type GitHubOctokit } from "./github/index.js";
import { GitLabProvider, gitlabWebhookReceiver } from "./gitlab/index.js";
import { gitRemoteProvider } from "./git/index.js";
import { LocalProvider } from "./local/index.js";
import { redactingProvider } from "./redact.js";
import { countingFetch, githubRequestCounter } from "./request-metrics.js";

/**
 * Picks the adapter for a tenant's git connection (renovate's platform registry, without its
 * module state). Adapters never import each other; only this file knows them all. API clients
 * are kept per provider, base URL and credential, so tenants sharing an account share a client,
 * in a least-recently-used cache of CLIENT_CACHE_SIZE. Webhook deliveries are parsed by one
 * stateless receiver per provider, which holds the shared secret and no token.
 *
 * Base URLs: a connection's own `baseUrl` wins; GHE_HOST, GITLAB_BASE_URL and
 * BITBUCKET_BASE_URL (the `baseUrl` options here) are only the default for connections that
 * name none.
 */

/** How many API clients the registry keeps; the least recently used one goes first. */
export const CLIENT_CACHE_SIZE = 256;

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
  /** The basic-auth credentials of the Azure DevOps service hooks (server-wide), when set. */
  azureDevops?: { webhookUser: string | null; webhookPassword: string | null };
  /** The server's own secrets (keys, webhook secrets): taken out of every provider error, with the tenant's token. */
  secrets?: readonly (string | null)[];
  /** Where hosted providers' API requests are counted. */
  metrics?: Metrics;
}

export class ProviderRegistry {
  private localProvider: LocalProvider | null = null;
  private readonly cache = new ClientCache<GitProvider>(CLIENT_CACHE_SIZE);

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
    this.cache.deleteWhere((key) => key.startsWith("github:"));
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

  /** The receiver that verifies and normalises a provider's webhooks, or null if not configured. */
  forWebhook(name: ProviderName): WebhookReceiver | null {
    const receiver = this.receiver(name);
    return receiver === null ? null : redactingProvider(receiver, this.secrets(null));
  }

  private receiver(name: ProviderName): WebhookReceiver | null {
    switch (name) {
      case "local":
        return this.options.local.webhookSecret && this.options.local.hookUrl ? this.local : null;
      case "github":
        return this.options.github.webhookSecret ? githubWebhookReceiver(this.options.github.webhookSecret) : null;
      case "gitlab":
        return this.options.gitlab.webhookSecret ? gitlabWebhookReceiver(this.options.gitlab.webhookSecret) : null;
      case "bitbucket":
        return this.options.bitbucket.webhookSecret ? bitbucketWebhookReceiver(this.options.bitbucket.webhookSecret) : null;
      case "azure-devops": {
        const webhook = this.azureWebhook();
        return webhook ? azureDevOpsWebhookReceiver(webhook) : null;
      }
      case "git":
        // Each git connection has its own secret: deliveries are verified per tenant.
        return null;
    }
  }

  private azureWebhook(): { user: string; password: string } | null {
    const { webhookUser, webhookPassword } = this.options.azureDevops ?? { webhookUser: null, webhookPassword: null };
    return webhookUser && webhookPassword ? { user: webhookUser, password: webhookPassword } : null;
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
        return new GitHubProvider({ octokitFor: counted });
      }
      case "gitlab": {
        const baseUrl = git.baseUrl ?? this.options.gitlab.baseUrl;
        return new GitLabProvider({
          token: required(),
          ...(baseUrl ? { host: baseUrl } : {}),
          ...(this.options.metrics ? { retry: { fetch: countingFetch("gitlab", this.options.metrics) } } : {}),
        });
      }
      case "bitbucket": {
        const baseUrl = git.baseUrl ?? this.options.bitbucket.baseUrl;
        return new BitbucketProvider({
          auth: { token: required() },
          ...(baseUrl ? { baseUrl } : {}),
          ...(this.options.metrics ? { fetch: countingFetch("bitbucket", this.options.metrics) } : {}),
        });
      }
      case "azure-devops":
        return new AzureDevOpsProvider({
          token: required(),
          baseUrl: git.baseUrl,
        });
      default:
        throw new ConfigError(`unknown git provider '${String(git.provider)}'`, { field: "provider" });
    }
  }
}
