import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The slow suites, in the order they should start: each spends most of its time waiting on
 * child servers, PostgreSQL, git or Chromium, so starting them first lets the quick files fill
 * the cores around them instead of leaving one long file to finish alone at the end.
 */
const SLOW_FIRST = [
  // Benchmark-sized: three servers apply hundreds of deliveries through PostgreSQL.
  /^test\/e2e\/instances\./,
  // Built servers in child processes (and the build they share).
  /^test\/e2e\//,
  /^test\/security\/(secrets-at-rest|setup-routes|file-modes|body-limits|headers|redaction|tenant-scopes)\./,
  /^test\/cli\/compiled\./,
  // Chromium.
  /^test\/web\//,
];

const rank = (spec: TestSpecification): number => {
  const path = relative(spec.project.config.root, spec.moduleId).replaceAll("\\", "/");
  const index = SLOW_FIRST.findIndex((pattern) => pattern.test(path));
  return index === -1 ? SLOW_FIRST.length : index;
};

/** Vitest's order (longest first once a run has been timed), with the slow suites ahead. */
class SlowSuitesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((spec, i) => ({ spec, i, rank: rank(spec) }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .map(({ spec }) => spec);
  }
}

export default defineConfig({
  // Vite's and Vitest's caches (file timings for the order above) stay outside the checkout,
  // one per checkout.
  cacheDir: join(tmpdir(), "gitsync-vitest", createHash("sha256").update(import.meta.dirname).digest("hex").slice(0, 12)),
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Forks keep native modules (better-sqlite3) out of worker threads. Without isolation each
    // worker imports the product once for all the files it runs instead of once per file, which
    // was most of the suite's time: files must leave no global state behind (nock's net
    // connect, fake timers, stubbed globals), and the setup file below makes sure of the last two.
    pool: "forks",
    poolOptions: { forks: { isolate: false } },
    setupFiles: ["test/helpers/clean-slate.ts"],
    // More workers than cores: the slow suites mostly wait on child processes. As many at the
    // start as at most, so no idle worker is ended while the pool hands it a file.
    maxWorkers: 4,
    minWorkers: 4,
    sequence: { sequencer: SlowSuitesFirst },
    // `npm run test:coverage`: line and branch coverage of the product's sources, written
    // outside the checkout so a run leaves the repository as it was.
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      exclude: ["src/**/*.d.ts"],
      reporter: ["text-summary", "json-summary"],
      reportsDirectory: join(tmpdir(), "gitsync-coverage"),
    },
  },
});
