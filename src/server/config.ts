import { resolve } from "node:path";
import { ConfigError } from "../core/errors.js";
import { DEFAULT_RETRY_SCHEDULE } from "../sync/retry-policy.js";

/**
 * Every setting of `gitsync serve`, read once from the environment and passed down: nothing
 * else in the server reads `process.env`, so a test builds a config object and runs many
 * servers side by side.
 */
export interface ServerConfig {
  port: number;
  /** Interface to listen on; null listens on all of them (Node's default). */
  host: string | null;
  dataDir: string;
  /** A `postgres://` URL selects PostgreSQL; null keeps SQLite in the data folder. */
  databaseUrl: string | null;
  /** The first admin token; null generates one, printed once at first start. */
  adminToken: string | null;
  /** Credential encryption key; null uses (or creates) a key file in the data folder. */
  secretKey: string | null;
  /** Keys being rotated away from (GITSYNC_SECRET_KEY_PREVIOUS): read, never used to seal. */
  secretKeyPrevious?: string | null;
  /** A folder of extra kind schemas. */
  schemasDir: string | null;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  log: { level: LogLevel; format: "json" | "pretty" };
  /** GITSYNC_METRICS_PORT: `/metrics` without auth on this port only; null serves it on the main port to admins. */
  metricsPort: number | null;
  github: GithubConfig;
  gitlab: { webhookSecret: string | null; baseUrl: string | null };
  bitbucket: { webhookSecret: string | null; baseUrl: string | null };
  /** The basic-auth user and password set on every Azure DevOps service hook subscription. */
  azureDevops?: { webhookUser: string | null; webhookPassword: string | null };
  /** `pushCheck`: the pre-receive hook refuses an invalid push (GITSYNC_LOCAL_PUSH_CHECK, default on). */
  local: { webhookSecret: string | null; pushCheck: boolean };
  /** Create the `demo` tenant on first start. */
  demo: boolean;
  /** GITSYNC_RECONCILE_INTERVAL: seconds between reconciles (and one at start); 0 turns them off. */
  reconcileIntervalSeconds: number;
  /**
   * Background jobs: how many lanes (tenants) this instance works at once
   * (GITSYNC_JOB_CONCURRENCY), and how long a running job may go unfinished before another
   * instance takes it over, PostgreSQL only (GITSYNC_JOB_LEASE_SECONDS); how often a failed job
   * is tried again (GITSYNC_JOB_RETRIES) and the first wait, doubled each time
   * (GITSYNC_JOB_RETRY_DELAY_MS).
   */
  jobs?: { concurrency: number; leaseSeconds: number; retries: number; retryDelayMs: number };
}

export const DEFAULT_JOB_CONCURRENCY = 4;
export const DEFAULT_JOB_LEASE_SECONDS = 15 * 60;

/** Probot's own settings, under Probot's names, handed to Probot as they are. */
export interface GithubConfig {
  appId: string | null;
  privateKey: string | null;
  privateKeyPath: string | null;
  webhookSecret: string | null;
  webhookPath: string;
  gheHost: string | null;
  gheProtocol: string;
}

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";
const LOG_LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

export const DEFAULT_PORT = 3000;
/** Seconds between reconciles: a missed webhook is caught up within about this long. */
const DEFAULT_RECONCILE_INTERVAL = 60;
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? null : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}`, { variable: name });
  }
  return Number(raw);
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false`, { variable: name });
}

function url(env: Env, name: string): string | null {
  const raw = text(env, name);
  if (raw === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL`, { variable: name });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigError(`${name} must be an http(s) URL`, { variable: name });
  }
  return raw.replace(/\/+$/, "");
}

/** Parses the environment; a bad value is a ConfigError naming the variable (never its value). */
export function loadConfig(env: Env, cwd: string = process.cwd(), terminal: boolean = process.stdout.isTTY === true): ServerConfig {
  const databaseUrl = text(env, "DATABASE_URL");
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL must be a postgres:// URL (leave it unset for SQLite)", {
      variable: "DATABASE_URL",
    });
  }
  const adminToken = text(env, "GITSYNC_ADMIN_TOKEN");
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError("GITSYNC_ADMIN_TOKEN must be at least 16 characters", { variable: "GITSYNC_ADMIN_TOKEN" });
  }
  const level = (text(env, "LOG_LEVEL") ?? "info") as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`, { variable: "LOG_LEVEL" });
  }
  // A person at a terminal reads lines; anything else (a container, a file) is a log shipper.
  const format = text(env, "LOG_FORMAT") ?? (terminal ? "pretty" : "json");
  if (format !== "json" && format !== "pretty") {
    throw new ConfigError("LOG_FORMAT must be json or pretty", { variable: "LOG_FORMAT" });
  }
  const schemasDir = text(env, "GITSYNC_SCHEMAS_DIR");
  const privateKeyPath = text(env, "PRIVATE_KEY_PATH");
  return {
    port: integer(env, "PORT", DEFAULT_PORT, 0, 65535),
    host: text(env, "HOST"),
    dataDir: resolve(cwd, text(env, "GITSYNC_DATA_DIR") ?? "data"),
    databaseUrl,
    adminToken,
    secretKey: text(env, "GITSYNC_SECRET_KEY"),
    secretKeyPrevious: text(env, "GITSYNC_SECRET_KEY_PREVIOUS"),
    schemasDir: schemasDir === null ? null : resolve(cwd, schemasDir),
    bodyLimit: integer(env, "GITSYNC_BODY_LIMIT", DEFAULT_BODY_LIMIT, 1024, 64 * 1024 * 1024),
    log: { level, format },
    metricsPort: text(env, "GITSYNC_METRICS_PORT") === null ? null : integer(env, "GITSYNC_METRICS_PORT", 0, 0, 65535),
    github: {
      appId: text(env, "APP_ID"),
      privateKey: text(env, "PRIVATE_KEY"),
      privateKeyPath: privateKeyPath === null ? null : resolve(cwd, privateKeyPath),
      webhookSecret: text(env, "WEBHOOK_SECRET"),
      webhookPath: text(env, "WEBHOOK_PATH") ?? "/api/github/webhooks",
      gheHost: text(env, "GHE_HOST"),
      gheProtocol: text(env, "GHE_PROTOCOL") ?? "https",
    },
    gitlab: { webhookSecret: text(env, "GITLAB_WEBHOOK_SECRET"), baseUrl: url(env, "GITLAB_BASE_URL") },
    bitbucket: { webhookSecret: text(env, "BITBUCKET_WEBHOOK_SECRET"), baseUrl: url(env, "BITBUCKET_BASE_URL") },
    azureDevops: { webhookUser: text(env, "AZURE_DEVOPS_WEBHOOK_USER"), webhookPassword: text(env, "AZURE_DEVOPS_WEBHOOK_PASSWORD") },
    local: { webhookSecret: text(env, "LOCAL_WEBHOOK_SECRET"), pushCheck: flag(env, "GITSYNC_LOCAL_PUSH_CHECK", true) },
    demo: flag(env, "GITSYNC_DEMO", true),
    reconcileIntervalSeconds: integer(env, "GITSYNC_RECONCILE_INTERVAL", DEFAULT_RECONCILE_INTERVAL, 0, 7 * 24 * 3600),
    jobs: {
      concurrency: integer(env, "GITSYNC_JOB_CONCURRENCY", DEFAULT_JOB_CONCURRENCY, 1, 256),
      leaseSeconds: integer(env, "GITSYNC_JOB_LEASE_SECONDS", DEFAULT_JOB_LEASE_SECONDS, 2, 24 * 60 * 60),
      retries: integer(env, "GITSYNC_JOB_RETRIES", DEFAULT_RETRY_SCHEDULE.retries, 0, 100),
      retryDelayMs: integer(env, "GITSYNC_JOB_RETRY_DELAY_MS", DEFAULT_RETRY_SCHEDULE.firstDelayMs, 10, 60 * 60_000),
    },
  };
}

/** True when Probot has what it needs to run as a GitHub App (else: manifest setup mode). */
export function githubAppConfigured(config: ServerConfig): boolean {
  return config.github.appId !== null && (config.github.privateKey !== null || config.github.privateKeyPath !== null);
}
