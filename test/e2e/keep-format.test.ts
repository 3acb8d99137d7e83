import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/**
 * The round-trip guarantee on the built server: a person reworks a model file by hand and
 * pushes it; a field changed through the API then changes that field's line and nothing else.
 */

const person = { GIT_AUTHOR_NAME: "Ada", GIT_AUTHOR_EMAIL: "ada@example.com", GIT_COMMITTER_NAME: "Ada", GIT_COMMITTER_EMAIL: "ada@example.com" };

function git(args: string[], cwd?: string): string {
  return execFileSync("git", args, { cwd, env: { ...process.env, ...person, GIT_TERMINAL_PROMPT: "0" } }).toString("utf8").trim();
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The demo model as a person rewrote it: comments, keys in their own order, quoted strings,
// blank lines, and a wide gap before a comment.
const REWORKED = `# Accounts, as the sales team keeps them.
project: sales    # owner

name: accounts
source: "warehouse"
type: 'table'
# Kept for Hightouch's sake.
dbtModel: null
tableName: "public.accounts"
isSchema: false
primaryKey: account_id
`;

describe("gitsync serve: a file a person wrote keeps its form when the app changes a field", () => {
  let server: BuiltServer;
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "gitsync-e2e-roundtrip-"));
    server = await serveBuilt();
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("changes only the tableName line after a push of a reworked file and a PUT", async () => {
    const bare = join(server.dataDir, "repos", "demo.git");
    const checkout = join(work, "demo");
    git(["clone", "-q", bare, checkout]);
    writeFileSync(join(checkout, "models", "accounts.yaml"), REWORKED);
    git(["commit", "-qam", "Notes on the accounts model"], checkout);
    git(["push", "-q", "origin", "main"], checkout);
    const pushed = git(["rev-parse", "HEAD"], checkout);

    // The push is applied (an inbound entry for that commit), and nothing goes back: the
    // tenant already holds what the file says, so no commit rewrites the person's layout.
    await until("the push to be applied", async () => {
      const log = await callBuilt(server, "GET", "/api/v1/tenants/demo/log?direction=INBOUND&limit=5");
      return JSON.stringify(log.body).includes(pushed) ? true : null;
    });
    const pending = await callBuilt(server, "GET", "/api/v1/tenants/demo/projects");
    expect(JSON.stringify(pending.body)).not.toMatch(/"updated":[1-9]/);

    const current = await callBuilt(server, "GET", "/api/v1/tenants/demo/resources/models/accounts");
    expect(current.status).toBe(200);
    const body = { ...(current.body.body ?? current.body), tableName: "public.accounts_v2" };
    const put = await callBuilt(server, "PUT", "/api/v1/tenants/demo/resources/models/accounts", { body });
    expect(put.status).toBe(200);

    const head = await until("the outbound commit", async () => {
      const sha = git(["--git-dir", bare, "rev-parse", "main"]);
      return sha !== pushed ? sha : null;
    });
    expect(git(["--git-dir", bare, "rev-parse", `${head}^`])).toBe(pushed);
    const diff = git(["--git-dir", bare, "diff", "--unified=0", pushed, head]);
    const changed = diff.split("\n").filter((l) => /^[-+](?![-+]{2} )/.test(l));
    expect(changed).toEqual(['-tableName: "public.accounts"', '+tableName: "public.accounts_v2"']);
    expect(git(["--git-dir", bare, "show", `${head}:models/accounts.yaml`])).toBe(REWORKED.replace("public.accounts", "public.accounts_v2").trimEnd());
    expect(readFileSync(join(checkout, "models", "accounts.yaml"), "utf8")).toBe(REWORKED);
  });
});
