import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store, TenantDrift } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import { postgresBackend, sqliteBackend, type Backend } from "./backends.js";

/** The drift each reconcile records: one row per tenant, replaced each time, gone with the tenant. */

const backends: Backend[] = [sqliteBackend(), postgresBackend(process.env.GITSYNC_TEST_DATABASE_URL)];
for (const b of backends) if (b.skipReason) console.warn(`drift store suite: ${b.name} skipped: ${b.skipReason}`);

describe.each(backends)("recorded drift on $name", (backend) => {
  describe.skipIf(backend.skipReason !== null)(backend.name, () => {
    let store: Store;
    beforeAll(async () => {
      store = await openStore({ ...(await backend.setup()), secretKey: randomBytes(32) });
      await store.createTenant({ slug: "acme", name: "Acme" });
    });
    afterAll(async () => {
      await store.close();
      await backend.teardown();
    });

    it("keeps the latest drift per tenant", async () => {
      expect(await store.getDrift("acme")).toBeNull();
      const drifted: TenantDrift = {
        head: "a".repeat(40),
        lastAppliedSha: "b".repeat(40),
        inSync: false,
        items: [{ kind: "model", name: "orders", project: "sales", direction: "git-only" }],
        checkedAt: "2026-11-23T12:00:00.000Z",
      };
      await store.putDrift("acme", drifted);
      expect(await store.getDrift("acme")).toEqual(drifted);
      const clean: TenantDrift = { head: "c".repeat(40), lastAppliedSha: "c".repeat(40), inSync: true, items: [], checkedAt: "2026-11-23T12:01:00.000Z" };
      await store.putDrift("acme", clean);
      expect(await store.getDrift("acme")).toEqual(clean);
    });
  });
});
