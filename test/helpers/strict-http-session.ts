import nock from "nock";
import { describedApiViolations, holdRepliesToVendorDescriptions } from "./described-replies.js";

/**
 * Strict HTTP mocking for the hosted providers' APIs (renovate's test/http-mock.ts pattern):
 * the network is closed except loopback, every request must match a mock, and every mock must
 * be used. Either failure fails the test that caused it. Every mocked exchange with GitHub,
 * GitLab or Bitbucket is also held to the vendor's API description (test/helpers/vendor-apis.ts):
 * a request or reply the description does not allow fails the test the same way.
 *
 * Call `useStrictHttpMock()` at the top of a test file; use `nock(baseUrl)` as usual inside
 * tests. `requests` lists what was called (method and path), for call counting: nock 14 only
 * announces a served request on the scope that served it (there is no global event), so only
 * scopes made with `mock.scope(baseUrl)` are counted there.
 */
export interface StrictHttpMock {
  readonly requests: { method: string; url: string }[];
  /** Forget the recorded requests (e.g. after seeding) without touching the mocks. */
  resetCount(): void;
  /** `nock(basePath, options)` whose served requests are recorded in `requests`. */
  scope(basePath: string, options?: nock.Options): nock.Scope;
}

/** The same checks without vitest hooks: `start` before a test, `finish` after it. */
export interface StrictHttpMockSession extends StrictHttpMock {
  start(): void;
  /** Stops listening, removes every mock and returns the problems found (empty when clean). */
  finish(): string[];
}

export const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

interface RequestLike {
  method?: string;
  href?: string;
  path?: string;
  host?: string;
  hostname?: string;
  proto?: string;
}

function describeRequest(req: RequestLike): string {
  const href = req.href ?? `${req.proto ? `${req.proto}://` : ""}${req.host ?? req.hostname ?? ""}${req.path ?? ""}`;
  return `${req.method ?? "?"} ${href}`;
}

function isLoopback(req: RequestLike): boolean {
  const host = req.host ?? req.hostname ?? (req.href ? new URL(req.href).host : "");
  return LOOPBACK.test(host);
}

holdRepliesToVendorDescriptions();

export function createStrictHttpMock(): StrictHttpMockSession {
  const unmatched: string[] = [];
  const requests: { method: string; url: string }[] = [];
  // nock emits the client request first and, when it has them, the parsed options second;
  // only the options carry the host.
  const onNoMatch = (req: RequestLike, options?: RequestLike) => {
    const seen = { ...req, ...options, method: options?.method ?? req.method };
    // Loopback is real traffic (our own server under test), not a forgotten mock.
    if (isLoopback(seen)) return;
    unmatched.push(describeRequest(seen));
  };

  return {
    requests,
    resetCount() {
      requests.length = 0;
    },
    scope(basePath, options) {
      return nock(basePath, options).on("request", (req: RequestLike) => {
        requests.push({ method: req.method ?? "?", url: req.path ?? "" });
      });
    },
    start() {
      unmatched.length = 0;
      requests.length = 0;
      describedApiViolations.length = 0;
      nock.emitter.on("no match", onNoMatch);
    },
    finish() {
      nock.emitter.removeListener("no match", onNoMatch);
      const pending = nock.pendingMocks();
      nock.cleanAll();
      const problems: string[] = [];
      if (unmatched.length > 0) problems.push(`unmatched requests:\n  ${unmatched.join("\n  ")}`);
      if (pending.length > 0) problems.push(`unused mocks:\n  ${pending.join("\n  ")}`);
      const violations = describedApiViolations.splice(0);
      if (violations.length > 0) problems.push(`not allowed by the vendor's API description:\n  ${violations.join("\n  ")}`);
      return problems;
    },
  };
}

