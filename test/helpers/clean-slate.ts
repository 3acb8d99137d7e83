import { afterAll, vi } from "vitest";

/*
 * Test files share a worker (the suite runs without isolation), so each one leaves the clock,
 * the globals and the environment as it found them, whatever its own tests forgot.
 */
afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});
