import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Catalog } from "../../src/catalog/catalog.js";
import type { Actor, PushEvent, Store } from "../../src/core/index.js";
import { LocalProvider } from "../../src/providers/local/index.js";
import { SyncService } from "../../src/sync/service.js";
import { bob, openStoreIn, syncDeps } from "./sync-world.js";

/** The sync engine over a real SQLite store and real bare repositories under `dir`. */
export interface LocalWorld {
  dir: string;
  store: Store;
  catalog: Catalog;
  provider: LocalProvider;
  service: SyncService;
  gitDir(tenant: string): string;
}

/** The service works through `wrap(store)`; the world's `store` is the real one. */
export async function makeLocalWorld(dir: string, wrap: (store: Store) => Store = (s) => s): Promise<LocalWorld> {
  const store = await openStoreIn(dir);
  const catalog = await Catalog.load();
  const provider = new LocalProvider({
    root: join(dir, "repos"),
    reviews: store,
    // Merges move a branch without a push: they are handed to the engine like a push.
    onPush: async (event) => {
      await service.handlePush(event);
    },
  });
  const service = new SyncService(syncDeps(wrap(store), catalog, provider));
  await service.work();
  return { dir, store, catalog, provider, service, gitDir: (t) => provider.repositoryPath(t) };
}

/** A tenant with a short debounce and the two connections the test resources name. */
export async function setUpLocalTenant(w: LocalWorld, slug: string, outbound: "direct" | "pull-request" = "direct"): Promise<void> {
  await w.store.createTenant({ slug, name: slug });
  const git = await w.store.getGitConnection(slug);
  await w.store.putGitConnection(slug, { ...git, debounceMs: 5, outbound });
  for (const name of ["warehouse", "hubspot"]) await w.store.putConnection(slug, { name, type: "postgres" });
}

/** A push to a local tenant's main branch, as its hook would report it. */
export function localPushEvent(tenant: string, before: string, after: string, options: { forced?: boolean; pusher?: Actor } = {}): PushEvent {
  return {
    kind: "push",
    provider: "local",
    deliveryId: randomUUID(),
    repository: tenant,
    branch: "main",
    before,
    after,
    forced: options.forced ?? false,
    pusher: options.pusher ?? bob,
    changedPaths: null,
  };
}
