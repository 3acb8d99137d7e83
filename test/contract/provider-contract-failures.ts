import { expect, it } from "vitest";
import { GitsyncError } from "../../src/core/index.js";
import type { ContractHarness } from "./harness.js";

/**
 * Contract cases for a forge that refuses or is down: a revoked token is a clear, typed error
 * at once (no retries), and an outage that outlasts the retries ends in a typed error too,
 * never a hang. Registered inside `runProviderContract`'s describe, hosted providers only.
 * The harnesses record retry waits instead of sleeping (GitHub's scales them to milliseconds),
 * so no case waits real seconds.
 */

async function failure(promise: Promise<unknown>): Promise<GitsyncError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitsyncError);
  return error as GitsyncError;
}

export function failureCases(harness: () => ContractHarness, head: () => string): void {
  it("surfaces a revoked token (401) as an unauthorized error at once, with no retry", async () => {
    const h = harness();
    const before = h.requestCount();
    h.expect({ op: "failure", status: 401 });
    h.expect({ op: "resolveRef", ref: "main", exists: true });
    const error = await failure(h.provider.resolveRef(h.repo, "main"));
    expect(error.code).toBe("unauthorized");
    expect(error.message).toMatch(/401/);
    expect(h.requestCount() - before).toBe(1);
  });

  it("refuses a commit with a revoked token and leaves the branch alone", async () => {
    const h = harness();
    h.expect({ op: "failure", status: 401 });
    h.expect({ op: "commit", branch: "main", files: 1, outcome: "committed" });
    const error = await failure(
      h.provider.commit({
        ...h.repo,
        branch: "main",
        expectedHead: head(),
        message: "m",
        author: { name: "A", email: "a@example.com" },
        committer: { name: "A", email: "a@example.com" },
        changes: [{ action: "upsert", path: "config/models/x.yaml", content: "name: x\n" }],
      }),
    );
    expect(error.code).toBe("unauthorized");
    expect(await h.head("main")).toBe(head());
  });

  it("gives up on a 5xx storm that outlasts the retries with a provider error", async () => {
    const h = harness();
    const before = h.requestCount();
    h.expect({ op: "failure", status: 503 });
    h.expect({ op: "readFiles", sha: head(), path: "config" });
    const error = await failure(h.provider.readFiles(h.repo, head(), "config"));
    expect(error.code).toBe("provider_error");
    expect(error.message).toMatch(/503/);
    // The first attempt and three retries, then no more.
    expect(h.requestCount() - before).toBe(4);
  });
}
