import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";

/**
 * Strict HTTP mocking for the hosted providers' APIs (renovate's test/http-mock.ts pattern):
 * the network is closed except loopback, every request must match a mock, and every mock must
 * be used. Either failure fails the test that caused it.
 *
 * Call `useStrictHttpMock()` at the top of a test file; use `nock(baseUrl)` as usual inside
 * tests. `requests` lists what was called (method and path), for call counting.
 */
export interface StrictHttpMock {
  readonly requests: { method: string; url: string }[];
  /** Forget the recorded requests (e.g. after seeding) without touching the mocks. */
  resetCount(): void;
}

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
const LOOPBACK_URL = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;

function describeRequest(req: { method?: string; href?: string; path?: string; host?: string }): string {
  return `${req.method ?? "?"} ${req.href ?? `${req.host ?? ""}${req.path ?? ""}`}`;
}

export function useStrictHttpMock(): StrictHttpMock {
  const unmatched: string[] = [];
  const requests: { method: string; url: string }[] = [];
  const onNoMatch = (req: { method?: string; href?: string; path?: string; host?: string }) => {
    // Loopback is real traffic (our own server under test), not a forgotten mock.
    if (LOOPBACK.test(req.host ?? "") || LOOPBACK_URL.test(req.href ?? "")) return;
    unmatched.push(describeRequest(req));
  };
  const onRequest = (req: { method?: string; path?: string }, _interceptor: unknown) => {
    requests.push({ method: req.method ?? "?", url: req.path ?? "" });
  };

  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => LOOPBACK.test(host));
  });
  beforeEach(() => {
    unmatched.length = 0;
    requests.length = 0;
    nock.emitter.on("no match", onNoMatch);
    nock.emitter.on("request", onRequest);
  });
  afterEach(() => {
    nock.emitter.removeListener("no match", onNoMatch);
    nock.emitter.removeListener("request", onRequest);
    const pending = nock.pendingMocks();
    nock.cleanAll();
    const problems: string[] = [];
    if (unmatched.length > 0) problems.push(`unmatched requests:\n  ${unmatched.join("\n  ")}`);
    if (pending.length > 0) problems.push(`unused mocks:\n  ${pending.join("\n  ")}`);
    if (problems.length > 0) throw new Error(problems.join("\n"));
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
    nock.activate();
  });

  return {
    requests,
    resetCount() {
      requests.length = 0;
    },
  };
}
