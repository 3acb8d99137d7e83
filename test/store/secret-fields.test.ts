import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import type { Actor, JsonObject } from "../../src/core/index.js";
import { connect } from "../../src/store/database.js";
import { keyId, openStore } from "../../src/store/index.js";
import type { Database } from "../../src/store/schema.js";
import { postgresBackend, sqliteBackend, type Backend } from "./backends.js";

const backends: Backend[] = [sqliteBackend(), postgresBackend(process.env.GITSYNC_TEST_DATABASE_URL)];
for (const b of backends) if (b.skipReason) console.warn(`secret fields suite: ${b.name} skipped: ${b.skipReason}`);

const ada: Actor = { name: "Ada", email: "ada@example.com" };
const catalog = await Catalog.load({ extraDir: join(import.meta.dirname, "..", "security", "schemas") });
const secretFields = new Map(catalog.kinds().map((kind) => [kind.id, kind.secrets]));

// The short secret holds a character sealed text (base64url) never has: three letters alone
// turn up in ciphertext often enough to fail "not in the stored text" now and then.
const vault = (tag: string): JsonObject => ({
  name: "main",
  apiKey: `api-${tag}`,
  endpoints: [{ url: "https://a.example", password: `pw-a-${tag}` }, { url: "https://b.example", password: `pw-b-${tag}` }],
  auth: { user: "svc@acme", pin: `pin-${tag}` },
});
const cluster = (tag: string): JsonObject => ({ name: "spark", type: "databricks", configuration: { workers: 4, accessToken: `dapi-${tag}` } });

describe.each(backends)("secret fields at rest on $name", (backend) => {
  describe.skipIf(backend.skipReason !== null)(backend.name, () => {
    let location: { databaseUrl: string | null; dataDir: string };
    let raw: Kysely<Database>;
    const keyA = randomBytes(32);
    const keyB = randomBytes(32);
    const bodyText = async (tenant: string, kind: string): Promise<string> =>
      (await raw.selectFrom("resources").select("body").where("tenant", "=", tenant).where("kind", "=", kind).executeTakeFirstOrThrow()).body;

    beforeAll(async () => {
      location = await backend.setup();
      raw = connect(location).db;
    });
    afterAll(async () => {
      await raw?.destroy();
      await backend.teardown();
    });

    it("seals every field the catalog marks secret, in place, and opens them on read", async () => {
      const store = await openStore({ ...location, secretKey: keyA, secretFields });
      try {
        await store.createTenant({ slug: "seal", name: "Seal" });
        const written = vault("one");
        await store.putResource("seal", { kind: "vault", name: "main", body: written, project: null, actor: ada, outbox: false });
        await store.putResource("seal", { kind: "cluster-definition", name: "spark", body: cluster("one"), project: null, actor: ada, outbox: false });
        expect((await store.getResource("seal", "vault", "main"))?.body).toEqual(written);
        expect((await store.listResources("seal", "cluster-definition"))[0]?.body).toEqual(cluster("one"));
        const stored = await bodyText("seal", "vault");
        for (const secret of ["api-one", "pw-a-one", "pw-b-one", "pin-one", "svc@acme"]) expect(stored).not.toContain(secret);
        // Plain fields stay readable and the key order is the one written.
        expect(Object.keys(JSON.parse(stored) as object)).toEqual(Object.keys(written));
        expect(stored).toContain("https://a.example");
        expect(await bodyText("seal", "cluster-definition")).not.toContain("dapi-one");
        // The same body again is no change (the sealed text differs, the content does not).
        const again = await store.putResource("seal", { kind: "vault", name: "main", body: vault("one"), project: null, actor: ada, outbox: false });
        expect(again.version).toBe(1);
      } finally {
        await store.close();
      }
    });

    it("a sealed value moved to another resource does not open there", async () => {
      const store = await openStore({ ...location, secretKey: keyA, secretFields });
      try {
        await store.createTenant({ slug: "moved", name: "Moved" });
        await store.putResource("moved", { kind: "cluster-definition", name: "spark", body: cluster("x"), project: null, actor: ada, outbox: false });
        await store.putResource("moved", { kind: "cluster-definition", name: "other", body: cluster("y"), project: null, actor: ada, outbox: false });
        const sealed = await bodyText("seal", "cluster-definition");
        await raw.updateTable("resources").set({ body: sealed }).where("tenant", "=", "moved").where("name", "=", "other").execute();
        await expect(store.getResource("moved", "cluster-definition", "other")).rejects.toThrow(/integrity check/);
      } finally {
        await store.close();
      }
    });

    it("seals plaintext left by an older release at start, and rotates keys with the previous one given", async () => {
      // A store that knows no secret fields writes them as plaintext, as releases before sealing did.
      const legacy = await openStore({ ...location, secretKey: keyA });
      await legacy.createTenant({ slug: "legacy", name: "Legacy" });
      await legacy.putResource("legacy", { kind: "vault", name: "main", body: vault("old"), project: null, actor: ada, outbox: false });
      await legacy.close();
      expect(await bodyText("legacy", "vault")).toContain("pw-b-old");

      const started = await openStore({ ...location, secretKey: keyA, secretFields });
      await started.close();
      expect(await bodyText("legacy", "vault")).not.toContain("pw-b-old");
      expect(await bodyText("legacy", "vault")).toContain(keyId(keyA));

      // Rotation: B is the key now, A the previous one; everything is sealed again with B.
      const rotated = await openStore({ ...location, secretKey: keyB, previousSecretKeys: [keyA], secretFields });
      await rotated.putConnection("legacy", { name: "warehouse", type: "postgres", credentials: { password: "conn-pw" } });
      await rotated.close();
      for (const tenant of ["legacy", "seal"]) expect(await bodyText(tenant, "vault")).not.toContain(keyId(keyA));

      const onlyB = await openStore({ ...location, secretKey: keyB, secretFields });
      try {
        expect((await onlyB.getResource("legacy", "vault", "main"))?.body).toEqual(vault("old"));
        expect((await onlyB.getResource("seal", "cluster-definition", "spark"))?.body).toEqual(cluster("one"));
        expect(await onlyB.getConnectionCredentials("legacy", "warehouse")).toEqual({ password: "conn-pw" });
      } finally {
        await onlyB.close();
      }
    });

    it("starts with a key that opens nothing, warns, and leaves the values as they were", async () => {
      const warnings: string[] = [];
      const before = await bodyText("legacy", "vault");
      const wrong = await openStore({ ...location, secretKey: randomBytes(32), secretFields, logger: { info() {}, warn: (m) => warnings.push(m) } });
      try {
        expect(warnings.join("\n")).toMatch(/could not be opened: sealed with a key that is not configured.*GITSYNC_SECRET_KEY_PREVIOUS/);
        expect(await bodyText("legacy", "vault")).toBe(before);
        await expect(wrong.getResource("legacy", "vault", "main")).rejects.toThrow(/encrypted with key/);
        expect((await wrong.getTenant("legacy"))?.name).toBe("Legacy");
      } finally {
        await wrong.close();
      }
    });
  });
});
