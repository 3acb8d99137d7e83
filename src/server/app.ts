import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApplicationFunction, Logger } from "probot";
import { Catalog } from "../catalog/catalog.js";
import type { Store } from "../core/store.js";
import { isPostgresUrl, loadSecretKey, openStore, parsePreviousSecretKeys } from "../store/index.js";
import type { ServerConfig } from "./config.js";
import type { ApiDeps } from "./deps.js";
import { createDatabaseFile, prepareDataDir } from "./data-dir.js";
import { firstStart } from "./first-start.js";
import { wireGithub, type NodeHandler } from "./github.js";
import { errorBody, sendJson } from "./http.js";
import { createLogger, redacting } from "./logger.js";
import { ApiRouter, type Route } from "./router.js";
import { apiRoutes } from "./routes/index.js";
import { ServerMetrics } from "./metrics.js";
import { listenMetrics } from "./metrics-server.js";
import { startBanner } from "./banner.js";
import { ApiSchemas } from "./schemas.js";
import { GitsyncError } from "../core/errors.js";
import { ProviderRegistry } from "../providers/registry.js";
import { referenceExtractor } from "../sync/integrity/index.js";
import { SyncService } from "../sync/service.js";
import { localHookUrl, localWebhookSecret } from "./local-hook.js";
import { githubApp } from "./github-app.js";
import { ReconcileTimer } from "./reconcile-timer.js";
import { acquireInstanceLock } from "./instance-lock.js";
import { openJobQueue } from "../store/jobs/index.js";
import { DEFAULT_JOB_CONCURRENCY, DEFAULT_JOB_LEASE_SECONDS } from "./config.js";
import { DEFAULT_RETRY_SCHEDULE } from "../sync/retry-policy.js";

/** Who gitsync's own commits name as committer (authors are the people who made the changes). */
export const COMMITTER = { name: "gitsync", email: "gitsync@users.noreply.gitsync.dev" };

export interface AppOptions {
  /** A pino logger to write to (tests capture one); default: Probot's logger per the config. */
  logger?: Logger;
  /** Where the start banner (with a generated admin token, once) is shown. Default: stderr, so stdout holds only log lines. */
  print?: (text: string) => void;
  /** The GitHub App's event handlers. */
  githubApp?: ApplicationFunction;
  /** Where Probot's manifest setup writes the App's settings (default: .env). */
  updateEnv?: (env: Record<string, string>) => unknown;
  /** More routes (the web UI), matched like the API's. */
  routes?: Route[];
  /** How long close() lets in-flight requests run before cutting connections. */
  shutdownGraceMs?: number;
}

export interface GitsyncApp {
  server: Server;
  store: Store;
  catalog: Catalog;
  log: Logger;
  router: ApiRouter;
  /** The sync engine and the provider registry, for tests and embedding. */
  sync: SyncService;
  registry: ProviderRegistry;
  githubMode: "app" | "setup" | "unavailable";
  /** Starts listening on the config's port and host; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, lets in-flight requests finish, closes the store. Idempotent. */
  close(): Promise<void>;
}

/** Builds the whole server from a config object: store, catalog, first start, routes, Probot. */
export async function buildApp(config: ServerConfig, options: AppOptions = {}): Promise<GitsyncApp> {
  const log = options.logger ? redacting(options.logger) : createLogger(config);
  const print = options.print ?? ((text: string) => process.stderr.write(text));
  prepareDataDir(config.dataDir, (message) => log.warn(message));
  const secretKey = loadSecretKey({
    dataDir: config.dataDir,
    ...(config.secretKey !== null ? { envKey: config.secretKey } : {}),
    warn: (message) => log.warn(message),
  });
  const catalog = await Catalog.load(config.schemasDir !== null ? { extraDir: config.schemasDir } : {});
  const sqlite = !isPostgresUrl(config.databaseUrl);
  if (sqlite) createDatabaseFile(config.dataDir);
  const lock = sqlite ? acquireInstanceLock(config.dataDir) : null;
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    secretKey,
    previousSecretKeys: parsePreviousSecretKeys(config.secretKeyPrevious),
    secretFields: new Map(catalog.kinds().map((kind) => [kind.id, kind.secrets])),
    logger: log,
    references: referenceExtractor(catalog),
  }).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  const jobSettings = config.jobs ?? { concurrency: DEFAULT_JOB_CONCURRENCY, leaseSeconds: DEFAULT_JOB_LEASE_SECONDS, retries: DEFAULT_RETRY_SCHEDULE.retries, retryDelayMs: DEFAULT_RETRY_SCHEDULE.firstDelayMs };
  const jobs = openJobQueue(store, {
    databaseUrl: sqlite ? null : config.databaseUrl,
    concurrency: jobSettings.concurrency,
    leaseSeconds: jobSettings.leaseSeconds,
    onError: (error) => log.error({ err: error instanceof Error ? error.message : String(error) }, "job queue error"),
  });

  // A generated token is printed with the banner once the URL is known, never logged: the log
  // may be shipped somewhere; the terminal at first start is the operator's.
  let generatedToken: string | null = null;
  try {
    const first = await firstStart({ store, adminToken: config.adminToken, demo: config.demo });
    if (first.created) log.info("first start: created the first admin" + (config.demo ? " and the demo tenant" : ""));
    generatedToken = first.generatedToken;
  } catch (error) {
    await store.close();
    lock?.release();
    throw error;
  }

  // The registry and the engine need each other (local merges are pushes the engine applies).
  let sync: SyncService | null = null;
  const localSecret = localWebhookSecret(config.dataDir, config.local.webhookSecret);
  const metrics = new ServerMetrics(async () => (sync ? sync.queueDepth() : {}));
  const registry = new ProviderRegistry({
    dataDir: config.dataDir,
    reviews: store,
    tokenFor: (tenant) => store.getGitToken(tenant),
    local: {
      hookUrl: null,
      webhookSecret: localSecret,
      pushCheck: config.local.pushCheck,
      onPush: async (event) => {
        await sync?.handlePush(event);
      },
    },
    github: {
      webhookSecret: config.github.webhookSecret,
      baseUrl: config.github.gheHost ? `${config.github.gheProtocol}://${config.github.gheHost}/api/v3` : null,
    },
    gitlab: config.gitlab,
    bitbucket: config.bitbucket,
    ...(config.azureDevops ? { azureDevops: config.azureDevops } : {}),
    secrets: serverSecrets(config, localSecret),
    metrics,
  });
  sync = new SyncService({
    store,
    catalog,
    providers: (tenant, git) => registry.forTenant(tenant, git),
    log,
    now: () => new Date(),
    committer: COMMITTER,
    metrics,
    jobs,
    retry: { retries: jobSettings.retries, firstDelayMs: jobSettings.retryDelayMs },
  });

  const deps: ApiDeps = { config, store, catalog, schemas: new ApiSchemas(), log, sync, registry, metrics, started: { done: false } };
  const router = new ApiRouter().add(...apiRoutes, ...(options.routes ?? []));
  let metricsServer: Server | null = null;
  const github = await wireGithub({
    config,
    log,
    store,
    app: options.githubApp ?? githubApp({ sync, registry }),
    ...(options.updateEnv ? { updateEnv: options.updateEnv } : {}),
  });
  const handlers: NodeHandler[] = [(req, res) => router.handle(req, res, deps), github.handler];

  const reconcile = new ReconcileTimer(
    () => deps.sync.reconcile(),
    config.reconcileIntervalSeconds * 1000,
    (error) => log.error({ err: error instanceof Error ? error.message : String(error) }, "reconcile failed"),
  );

  let closing = false;
  // An idle connection is kept longer than clients and load balancers keep theirs (they close
  // first), so a request sent on a reused connection never meets one the server just dropped.
  const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000 });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    // While shutting down, in-flight requests finish but their connections are not kept.
    if (closing) res.setHeader("connection", "close");
    void dispatch(handlers, req, res, log);
  });

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      // `listening` turns false as soon as close() is called: read it first.
      const wasListening = server.listening;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A keep-alive socket whose last request was in flight turns idle later: close it then,
      // or a client could send one more request over it after shutdown began.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const grace = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
      grace.unref();
      if (wasListening) await stopped;
      clearInterval(sweep);
      clearTimeout(grace);
      if (metricsServer) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
      await reconcile.stop();
      await deps.sync.stop();
      await store.close();
      lock?.release();
      log.info("server stopped");
    })();
    return closed;
  };

  const listen = async (): Promise<string> => {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ port: config.port, ...(config.host !== null ? { host: config.host } : {}) }, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      // The token is in the database already: it must still reach the operator.
      if (generatedToken !== null) print(`\ngitsync: first admin token (shown once, keep it safe):\n\n    ${generatedToken}\n\n`);
      throw error;
    }
    const url = baseUrl(server.address() as AddressInfo);
    registry.setLocalHookUrl(localHookUrl(config.host, (server.address() as AddressInfo).port));
    let metricsUrl: string | null = null;
    if (config.metricsPort !== null) {
      const listening = await listenMetrics(metrics, config.metricsPort, config.host);
      metricsServer = listening.server;
      metricsUrl = `${url.replace(/:\d+$/, "")}:${listening.port}/metrics`;
    }
    // First commits of tenants without a branch (the demo tenant) land before /healthz answers
    // 200; outbox rows left by a previous run (a crash, a restart) are committed after.
    await sync.start();
    deps.started.done = true;
    // Pushes made while the server was down are caught up in the background, not before /healthz.
    reconcile.start();
    log.info({ url, github: github.mode, metrics: metricsUrl ?? `${url}/metrics` }, `gitsync listening on ${url}`);
    print(
      startBanner({
        url,
        dataDir: config.dataDir,
        generatedToken,
        adminTokenFromEnv: config.adminToken !== null,
        githubMode: github.mode,
        gitlab: config.gitlab.webhookSecret !== null,
        bitbucket: config.bitbucket.webhookSecret !== null,
        metricsUrl,
      }),
    );
    generatedToken = null;
    return url;
  };

  return { server, store, catalog, log, router, sync, registry, githubMode: github.mode, listen, close };
}

/** The server's own secrets: none may show in a provider's error, whatever the provider echoes. */
function serverSecrets(config: ServerConfig, localSecret: string): (string | null)[] {
  const { github, gitlab, bitbucket } = config;
  return [config.adminToken, config.secretKey, github.privateKey, github.webhookSecret, gitlab.webhookSecret, bitbucket.webhookSecret, localSecret, config.azureDevops?.webhookPassword ?? null];
}

function baseUrl(address: AddressInfo): string {
  const host =
    address.family === "IPv6"
      ? address.address === "::" ? "localhost" : `[${address.address}]`
      : address.address === "0.0.0.0" ? "localhost" : address.address;
  return `http://${host}:${address.port}`;
}

async function dispatch(handlers: NodeHandler[], req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  try {
    for (const handler of handlers) if (await handler(req, res)) return;
    const path = new URL(req.url ?? "/", "http://server.invalid").pathname;
    sendJson(res, 404, errorBody(new GitsyncError("not_found", `no route ${path}`)).body);
  } catch (error) {
    log.error({ err: error }, "request failed");
    const { status, body } = errorBody(error);
    sendJson(res, status, body);
  }
}
