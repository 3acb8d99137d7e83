import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GitsyncError } from "../../src/core/index.js";
import { GitLabProvider } from "../../src/providers/gitlab/index.js";
import { FIRST_RETRY_DELAY_MS, MAX_OUTBOUND_RETRIES, MAX_RETRY_DELAY_MS, isPermanentFailure, nextRetryDelay } from "../../src/sync/retry-policy.js";
import { connectTenant } from "../helpers/gitlab-bitbucket-world.js";
import { useStrictHttpMock } from "../helpers/http-mock.js";
import { ada, makeSyncWorld, orders, recordEdit, type SyncWorld } from "../helpers/sync-world.js";

/**
 * The outbound worker's schedule after a failed commit, over the real GitLab adapter: a request
 * GitLab refuses for good (401, 403, 404, 422...) stops at once with the provider's message in
 * the sync log; a retryable failure is tried again 2, 4, 8... seconds later, a bounded number
 * of times. Fake timers: no test waits real seconds.
 */

useStrictHttpMock();

const HOST = "https://gitlab.retry.test";
const BRANCH = "/api/v4/projects/acme%2Fconfig/repository/commits/main";
const JSON_HEADERS = { "Content-Type": "application/json" };

describe("outbound retry policy", () => {
  const failure = (status: number) => new GitsyncError("provider_error", `failed with ${status}`, { status });

  it("stops at once on a client error other than 408, 409 and 429", () => {
    for (const status of [400, 401, 403, 404, 422]) expect(nextRetryDelay(1, failure(status))).toBeNull();
    for (const status of [408, 409, 429, 500, 502, 503]) expect(isPermanentFailure(failure(status))).toBe(false);
    expect(isPermanentFailure(new Error("network down"))).toBe(false);
  });

  it("doubles the wait from the first delay, caps it and gives up after the last retry", () => {
    const delays = Array.from({ length: MAX_OUTBOUND_RETRIES + 1 }, (_, i) => nextRetryDelay(i + 1, failure(503)));
    expect(delays.slice(0, 4)).toEqual([FIRST_RETRY_DELAY_MS, 2 * FIRST_RETRY_DELAY_MS, 4 * FIRST_RETRY_DELAY_MS, 8 * FIRST_RETRY_DELAY_MS]);
    expect(delays.slice(0, MAX_OUTBOUND_RETRIES).every((d) => d !== null && d <= MAX_RETRY_DELAY_MS)).toBe(true);
    expect(delays.at(-1)).toBeNull();
  });
});

describe("outbound worker over GitLab", () => {
  let world: SyncWorld;
  let requests = 0;
  /** The fake clock's time of each request GitLab received. */
  let times: number[] = [];

  beforeEach(async () => {
    const provider = new GitLabProvider({ host: HOST, token: "glpat-retry", webhookSecret: "w", retry: { retries: 0 } });
    world = await makeSyncWorld(provider);
    await connectTenant(world, { slug: "acme", provider: "gitlab", repository: "acme/config", synced: null });
    requests = 0;
    times = [];
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await world.close();
  });

  function answer(status: number, message: string, count: number): void {
    nock(HOST)
      .get(BRANCH)
      .times(count)
      .reply(() => {
        requests += 1;
        times.push(Date.now());
        return [status, { message }, JSON_HEADERS];
      });
  }

  /**
   * Lets the store and HTTP work queued so far finish without moving the fake clock. Work that
   * waits on the thread pool takes real time: on a loaded machine, wait a little for the
   * queue to arm its next timer before concluding that nothing is left.
   */
  async function settle(): Promise<void> {
    const patience = performance.now() + 200;
    for (let i = 0; i < 100 || (vi.getTimerCount() === 0 && performance.now() < patience); i += 1) {
      await vi.advanceTimersByTimeAsync(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Moves the fake clock by `ms`, timer by timer, letting the work each one starts finish. */
  async function elapse(ms: number): Promise<void> {
    const end = Date.now() + ms;
    await settle();
    while (vi.getTimerCount() > 0 && Date.now() < end) {
      await vi.advanceTimersToNextTimerAsync();
      if (Date.now() > end) break;
      await settle();
    }
  }

  async function failedEntries() {
    return (await world.store.listSyncLog("acme", { limit: 50 })).filter((e) => e.direction === "OUTBOUND" && e.status === "failed");
  }

  it("stops after one try when GitLab refuses the token, with GitLab's message in the sync log", async () => {
    answer(401, "401 Unauthorized", 1);
    await recordEdit(world, "acme", "model", orders, ada);
    await world.service.changed("acme");
    await elapse(60 * 60_000);
    expect(requests).toBe(1);
    const entries = await failedEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.error).toContain("401 Unauthorized");
    expect(entries[0]?.error).toContain("failed job");
    expect((await world.service.queueDepth()).outbound).toBe(0);
    expect(await world.service.deps.jobs.list("acme", { state: "failed" })).toHaveLength(1);
    // The change is kept for the next write or resync.
    expect(await world.store.pendingOutbox("acme")).toHaveLength(1);
  });

  it("retries a gateway error on a doubling schedule, then stops", async () => {
    answer(503, "503 Service Unavailable", MAX_OUTBOUND_RETRIES + 1);
    await recordEdit(world, "acme", "model", orders, ada);
    await world.service.changed("acme");
    await elapse(24 * 60 * 60_000);
    expect(requests).toBe(MAX_OUTBOUND_RETRIES + 1);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    // The schedule doubles from 2 s. Each retry waits at least its delay; gitbeaker's per-minute
    // rate limiter, which also runs on the fake clock, may hold a request for its window as well.
    const expected = Array.from({ length: MAX_OUTBOUND_RETRIES }, (_, i) => nextRetryDelay(i + 1, new Error("retryable")) as number);
    expect(expected.slice(0, 4)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(gaps).toHaveLength(MAX_OUTBOUND_RETRIES);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(expected[i] as number);
      expect(gap).toBeLessThanOrEqual((expected[i] as number) + 120_000);
    });
    const entries = await failedEntries();
    expect(entries).toHaveLength(MAX_OUTBOUND_RETRIES + 1);
    expect(entries.every((e) => e.error?.includes("503 Service Unavailable"))).toBe(true);
    expect(entries[0]?.error).toContain("failed job");
    expect((await world.service.queueDepth()).outbound).toBe(0);
    expect(await world.service.deps.jobs.list("acme", { state: "failed" })).toHaveLength(1);
  });
});
