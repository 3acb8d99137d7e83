import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Forks keep native modules (better-sqlite3) isolated per file. Four at once on two cores:
    // most files spend their time waiting on child servers, git and browsers, not computing.
    pool: "forks",
    maxWorkers: 4,
    minWorkers: 1,
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
