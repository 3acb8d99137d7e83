import type { Logger } from "probot";
import type { Catalog } from "../catalog/catalog.js";
import type { Store } from "../core/store.js";
import type { ServerConfig } from "./config.js";
import type { ServerMetrics } from "./metrics.js";
import type { ApiSchemas } from "./schemas.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { SyncService } from "../sync/service.js";

/** What every route handler may use; one set per server, never module state. */
export interface ApiDeps {
  config: ServerConfig;
  store: Store;
  catalog: Catalog;
  schemas: ApiSchemas;
  log: Logger;
  sync: SyncService;
  registry: ProviderRegistry;
  /** False until start-up work is done (the first commits of new repositories): /healthz waits. */
  started: { done: boolean };
  /** The server's Prometheus metrics (absent in tests that build deps by hand). */
  metrics?: ServerMetrics;
}
