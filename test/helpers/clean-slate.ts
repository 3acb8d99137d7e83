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

// The tests reach nothing but loopback, so a machine's extra CA certificates, which Node reads
// in full before it runs any code when this is set, would only slow every Node process a test
// starts (hooks, commands, builds).
delete process.env["NODE_EXTRA_CA_CERTS"];
