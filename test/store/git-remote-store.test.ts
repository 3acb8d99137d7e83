import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_GIT_CONNECTION, type GitConnection } from "../../src/core/index.js";
import { connect } from "../../src/store/database.js";
import { keyId, openStore } from "../../src/store/index.js";
import type { Database } from "../../src/store/schema.js";
import { postgresBackend, sqliteBackend, type Backend } from "./backends.js";

const backends: Backend[] = [sqliteBackend(), postgresBackend(process.env.GITSYNC_TEST_DATABASE_URL)];
for (const b of backends) if (b.skipReason) console.warn(`git remote store suite: ${b.name} skipped: ${b.skipReason}`);

const plainGit: GitConnection = {
  ...DEFAULT_GIT_CONNECTION,
  provider: "git",
  repository: "ssh://git@git.example.com/acme/config.git",
  remote: { auth: "ssh-key", username: null, hostKey: null, pollIntervalSeconds: 30, compareUrlTemplate: null },
};

describe.each(backends)("the git provider's settings and webhook secret on $name", (backend) => {
  describe.skipIf(backend.skipReason !== null)(backend.name, () => {
    let location: { databaseUrl: string | null; dataDir: string };
    let raw: Kysely<Database>;
    const keyA = randomBytes(32);
    const keyB = randomBytes(32);
    const row = async () => raw.selectFrom("git_connections").selectAll().where("tenant", "=", "plain").executeTakeFirstOrThrow();

    beforeAll(async () => {
      location = await backend.setup();
      raw = connect(location).db;
    });
    afterAll(async () => {
      await raw?.destroy();
      await backend.teardown();
    });

    it("keeps the settings, seals the key and the webhook secret, and reseals both after a key rotation", async () => {
      const store = await openStore({ ...location, secretKey: keyA });
      await store.createTenant({ slug: "plain", name: "Plain" });
      await store.putGitConnection("plain", plainGit, "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n");
      await store.putGitWebhookSecret("plain", "hook-secret-0123456789");
      expect(await store.getGitConnection("plain")).toEqual(plainGit);
      expect(await store.getGitWebhookSecret("plain")).toBe("hook-secret-0123456789");
      const stored = await row();
      expect(JSON.stringify(stored)).not.toContain("hook-secret-0123456789");
      expect(JSON.stringify(stored)).not.toContain("PRIVATE KEY");
      // Another provider has no git settings.
      await store.putGitConnection("plain", { ...DEFAULT_GIT_CONNECTION, provider: "github", repository: "acme/config" });
      expect(await store.getGitConnection("plain")).not.toHaveProperty("remote");
      expect((await row()).remote).toBeNull();
      await store.putGitConnection("plain", plainGit);
      await store.close();

      const rotated = await openStore({ ...location, secretKey: keyB, previousSecretKeys: [keyA] });
      await rotated.close();
      expect((await row()).webhook_secret).toContain(keyId(keyB));
      const only = await openStore({ ...location, secretKey: keyB });
      expect(await only.getGitWebhookSecret("plain")).toBe("hook-secret-0123456789");
      await only.close();
    });
  });
});
