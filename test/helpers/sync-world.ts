import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Catalog } from "../../src/catalog/catalog.js";
import { serializeResource } from "../../src/catalog/serialize.js";
import type { Actor, GitProvider, JsonObject, Store } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import type { ProviderResolver, SyncDeps, SyncLogger } from "../../src/sync/deps.js";
import { SyncService } from "../../src/sync/service.js";
import { testJobQueue } from "./jobs.js";

/**
 * What every engine-level test builds the same way: a SyncService over a real SQLite store in a
 * temporary folder, with a silent logger, a fixed clock (snapshot branches are named by date)
 * and gitsync's committer; the people who edit; the model most scenarios start from; and a
 * store that dies once between a commit and the outbox bookkeeping.
 */

export const ada: Actor = { name: "Ada Lovelace", email: "ada@example.com" };
export const bob: Actor = { name: "Bob Builder", email: "bob@example.com" };
export const silentLog: SyncLogger = { info() {}, warn() {}, error() {} };
export const COMMITTER: Actor = { name: "gitsync", email: "gitsync@example.com" };
/** The engine's clock in every scenario: snapshots of this day are `<tenant>/2026.11.23.<n>`. */
export const NOW = "2026-11-23T12:00:00Z";

export const orders = {
  name: "orders",
  source: "warehouse",
  type: "table",
  dbtModel: null,
  tableName: "analytics.orders",
  isSchema: false,
  primaryKey: "order_id",
  project: "sales",
} satisfies JsonObject;
export const leads = { ...orders, name: "leads", tableName: "crm.leads", project: "marketing" } satisfies JsonObject;

/** A new empty folder under the system's temporary folder, named `gitsync-<name>-…`. */
export function makeTempDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `gitsync-${name}-`));
}

/** The embedded SQLite store under `<dir>/data` (reopening a folder keeps its rows). */
export function openStoreIn(dir: string): Promise<Store> {
  return openStore({ dataDir: join(dir, "data"), secretKey: randomBytes(32) });
}

/** The engine's dependencies; `providers` is one provider for every tenant, or a resolver. */
export function syncDeps(store: Store, catalog: Catalog, providers: GitProvider | ProviderResolver, log: SyncLogger = silentLog): SyncDeps {
  return {
    store,
    catalog,
    providers: typeof providers === "function" ? providers : async () => providers,
    log,
    now: () => new Date(NOW),
    committer: { ...COMMITTER },
    jobs: testJobQueue(store),
  };
}

/**
 * A Store whose next `transaction` after `arm()` (or from the start with `armed`) fails without
 * running, as if the process died after the provider's commit and before the outbox rows were
 * settled: the outbound worker's first transaction comes right after its commit.
 */
export function crashingStore(store: Store, options: { armed?: boolean } = {}): { store: Store; arm(): void; crashed(): boolean } {
  let armed = options.armed ?? false;
  let crashed = false;
  const wrapped = new Proxy(store, {
    get(target, prop) {
      if (prop === "transaction") {
        return async <T>(fn: (tx: Store) => Promise<T>): Promise<T> => {
          if (armed) {
            armed = false;
            crashed = true;
            throw new Error("simulated crash between the commit and the outbox update");
          }
          return target.transaction(fn);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, arm: () => void (armed = true), crashed: () => crashed };
}

export interface SyncWorld {
  dir: string;
  store: Store;
  catalog: Catalog;
  service: SyncService;
  /** A fresh, started SyncService over the same store and provider (a restarted server). */
  restart(store?: Store): Promise<SyncService>;
  /** Stops every service it made, closes the store and removes the folder. */
  close(): Promise<void>;
}

/** A world whose every tenant is served by `provider`, in `gitsync-<provider>-flows-…`. */
export async function makeSyncWorld(provider: GitProvider): Promise<SyncWorld> {
  const dir = await makeTempDir(`${provider.name}-flows`);
  const store = await openStoreIn(dir);
  const catalog = await Catalog.load();
  const services: SyncService[] = [new SyncService(syncDeps(store, catalog, provider))];
  await services[0]!.work();
  const world: SyncWorld = {
    dir,
    store,
    catalog,
    service: services[0] as SyncService,
    async restart(s = store) {
      // The previous server is gone, as after a real restart: its queue takes no more jobs.
      await world.service.stop();
      const next = new SyncService(syncDeps(s, catalog, provider));
      services.push(next);
      world.service = next;
      await next.start();
      return next;
    },
    async close() {
      for (const s of services) await s.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** What writing through the engine needs of a world. */
export type EngineWorld = Pick<SyncWorld, "store" | "service">;

export function yamlOf(world: Pick<SyncWorld, "catalog">, kind: string, body: JsonObject): string {
  return serializeResource(world.catalog, kind, body, "yaml");
}

/** An API write: the resource and its outbox row in one transaction, then the worker is told. */
export async function apiEdit(world: EngineWorld, tenant: string, kind: string, body: JsonObject, actor: Actor): Promise<void> {
  await recordEdit(world, tenant, kind, body, actor);
  await world.service.changed(tenant);
}

/** The write alone (several writes can then share one debounce window deterministically). */
export async function recordEdit(world: Pick<SyncWorld, "store">, tenant: string, kind: string, body: JsonObject, actor: Actor): Promise<void> {
  await world.store.putResource(tenant, {
    kind,
    name: String(body["name"]),
    body,
    project: typeof body["project"] === "string" ? body["project"] : null,
    actor,
    outbox: true,
  });
}
