import { createHmac } from "node:crypto";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_GIT_CONNECTION, type GitConnection, type LocalReviewStore } from "../../src/core/index.js";
import { ClientCache } from "../../src/providers/client-cache.js";
import { ProviderRegistry, type ProviderRegistryOptions } from "../../src/providers/registry.js";

/*
 * The registry: webhook receivers that hold a secret and no token, API clients in a bounded
 * cache, and base URLs where the connection's own value wins over the server's default.
 */

const SHA = "a".repeat(40);
const JSON_TYPE = { "content-type": "application/json" };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
// The next test file in this worker may need the network (loopback servers).
afterAll(() => nock.enableNetConnect());

function registry(overrides: Partial<ProviderRegistryOptions> = {}, token: string | null = "tenant-token"): ProviderRegistry {
  return new ProviderRegistry({
    dataDir: "/nonexistent",
    // Never reached: these tests use no local provider.
    reviews: {} as LocalReviewStore,
    tokenFor: async () => token,
    local: { hookUrl: null, webhookSecret: null },
    github: { webhookSecret: "gh-secret", baseUrl: null },
    gitlab: { webhookSecret: "gl-secret", baseUrl: "https://gitlab.default.example" },
    bitbucket: { webhookSecret: "bb-secret", baseUrl: "https://bitbucket.default.example/2.0" },
    ...overrides,
  });
}

const connection = (git: Partial<GitConnection>): GitConnection => ({ ...DEFAULT_GIT_CONNECTION, repository: "acme/config", ...git });

describe("webhook receivers", () => {
  it("verify deliveries with the configured secret and need no token or client", async () => {
    const r = registry({}, null);
    const gitlab = r.forWebhook("gitlab");
    const body = Buffer.from(JSON.stringify({ object_kind: "note" }));
    expect(await gitlab?.parseWebhook({ headers: { "x-gitlab-token": "gl-secret", "x-gitlab-event": "Note Hook" }, rawBody: body })).toBeNull();
    await expect(gitlab?.parseWebhook({ headers: { "x-gitlab-token": "wrong" }, rawBody: body })).rejects.toMatchObject({ code: "bad_signature" });

    const signature = `sha256=${createHmac("sha256", "bb-secret").update("{}").digest("hex")}`;
    const bitbucket = r.forWebhook("bitbucket");
    expect(await bitbucket?.parseWebhook({ headers: { "x-hub-signature": signature, "x-event-key": "issue:created", "x-request-uuid": "1" }, rawBody: Buffer.from("{}") })).toBeNull();
    expect(r.forWebhook("github")?.name).toBe("github");
  });

  it("are absent when no secret is configured", () => {
    const r = registry({ gitlab: { webhookSecret: null, baseUrl: null }, bitbucket: { webhookSecret: null, baseUrl: null }, github: { webhookSecret: null, baseUrl: null } });
    expect(r.forWebhook("gitlab")).toBeNull();
    expect(r.forWebhook("bitbucket")).toBeNull();
    expect(r.forWebhook("github")).toBeNull();
  });

  it("are not what API clients use: a tenant's client refuses to parse deliveries", async () => {
    const provider = await registry().forTenant("acme", connection({ provider: "gitlab" }));
    await expect(provider.parseWebhook({ headers: { "x-gitlab-token": "gl-secret" }, rawBody: Buffer.from("{}") })).rejects.toMatchObject({
      code: "config_error",
      message: expect.stringMatching(/webhook receiver/),
    });
  });
});

describe("base URLs", () => {
  it("GitLab: the connection's baseUrl wins, GITLAB_BASE_URL is the default", async () => {
    const own = nock("https://gitlab.own.example").get("/api/v4/projects/acme%2Fconfig/repository/commits/main").reply(200, { id: SHA, parent_ids: [] }, JSON_TYPE);
    const fallback = nock("https://gitlab.default.example").get("/api/v4/projects/acme%2Fconfig/repository/commits/main").reply(200, { id: SHA, parent_ids: [] }, JSON_TYPE);
    const r = registry();
    const repo = { repository: "acme/config" };
    expect(await (await r.forTenant("acme", connection({ provider: "gitlab", baseUrl: "https://gitlab.own.example" }))).resolveRef(repo, "main")).toBe(SHA);
    expect(await (await r.forTenant("beta", connection({ provider: "gitlab", baseUrl: null }))).resolveRef(repo, "main")).toBe(SHA);
    expect(own.isDone() && fallback.isDone()).toBe(true);
  });

  it("Bitbucket: the connection's baseUrl wins, BITBUCKET_BASE_URL is the default", async () => {
    const branch = { name: "main", target: { hash: SHA } };
    const own = nock("https://bitbucket.own.example").get("/2.0/repositories/acme/config/refs/branches/main").reply(200, branch, JSON_TYPE);
    const fallback = nock("https://bitbucket.default.example").get("/2.0/repositories/acme/config/refs/branches/main").reply(200, branch, JSON_TYPE);
    const r = registry();
    const repo = { repository: "acme/config" };
    expect(await (await r.forTenant("acme", connection({ provider: "bitbucket", baseUrl: "https://bitbucket.own.example/2.0" }))).resolveRef(repo, "main")).toBe(SHA);
    expect(await (await r.forTenant("beta", connection({ provider: "bitbucket", baseUrl: null }))).resolveRef(repo, "main")).toBe(SHA);
    expect(own.isDone() && fallback.isDone()).toBe(true);
  });
});

describe("client cache", () => {
  it("keeps one client per provider, base URL and token", async () => {
    const r = registry();
    const a = await r.forTenant("acme", connection({ provider: "gitlab" }));
    expect(await r.forTenant("beta", connection({ provider: "gitlab" }))).toBe(a);
    expect(await r.forTenant("acme", connection({ provider: "gitlab", baseUrl: "https://gitlab.own.example" }))).not.toBe(a);
  });

  it("is bounded: the least recently used client goes first", () => {
    const cache = new ClientCache<number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.size).toBe(2);
    expect(() => new ClientCache(0)).toThrow(RangeError);
  });
});
