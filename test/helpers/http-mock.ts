import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { createStrictHttpMock, LOOPBACK, type StrictHttpMock } from "./strict-http-session.js";

/**
 * The strict HTTP mock as test files use it: `useStrictHttpMock()` at the top of a file runs
 * the checks of `createStrictHttpMock` (test/helpers/strict-http-session.ts) around every test.
 */
export { createStrictHttpMock, type StrictHttpMock, type StrictHttpMockSession } from "./strict-http-session.js";
export { offTheDescription } from "./described-replies.js";

export function useStrictHttpMock(): StrictHttpMock {
  const session = createStrictHttpMock();

  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => LOOPBACK.test(host));
  });
  beforeEach(() => session.start());
  afterEach(() => {
    const problems = session.finish();
    if (problems.length > 0) throw new Error(problems.join("\n"));
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
    nock.activate();
  });

  return { requests: session.requests, resetCount: () => session.resetCount(), scope: (b, o) => session.scope(b, o) };
}
