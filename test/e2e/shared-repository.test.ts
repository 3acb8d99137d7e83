import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSecretKey, openStore } from "../../src/store/index.js";
import { callBuilt, E2E_SECRET_KEY, serveBuilt, type BuiltServer } from "./built-server.js";

/**
 * Tenants sharing one local repository, each under its own folder, on the built server: a real
 * `git push` touching two tenants' folders applies exactly those two; every other tenant stays
 * as it was, with no sync-log entry, yet in step with the new head.
 */

const TENANTS = 12;
const slugOf = (i: number) => `team-${String(i).padStart(2, "0")}`;
const pat = { GIT_AUTHOR_NAME: "Pat", GIT_AUTHOR_EMAIL: "pat@example.com", GIT_COMMITTER_NAME: "Pat", GIT_COMMITTER_EMAIL: "pat@example.com" };
const git = (cwd: string, args: string[]): string =>
  execFileSync("git", args, { cwd, env: { ...process.env, ...pat }, stdio: ["ignore", "pipe", "pipe"] }).toString("utf8").trim();
const model = (name: string) =>
  `name: ${name}\nsource: warehouse\ntype: table\ndbtModel: null\nrawSql: null\ntableName: analytics.${name}\nisSchema: false\nprimaryKey: id\n`;

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => null);
    if (found !== null) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The API cannot point a local tenant at another repository: the operator's database can. */
async function shareOneRepository(dataDir: string): Promise<void> {
  const store = await openStore({ dataDir, secretKey: loadSecretKey({ dataDir, envKey: E2E_SECRET_KEY, warn: () => undefined }) });
  try {
    for (let i = 0; i < TENANTS; i++) {
      const slug = slugOf(i);
      const current = await store.getGitConnection(slug);
      await store.putGitConnection(slug, { ...current, repository: "shared", path: slug });
      await store.putSyncState(slug, { lastAppliedSha: null });
    }
  } finally {
    await store.close();
  }
}

describe("a local repository that tenants share", () => {
  let server: BuiltServer | undefined;
  let work: string;
  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("applies a push to exactly the tenants whose folder it touched", async () => {
    work = await mkdtemp(join(tmpdir(), "gitsync-e2e-shared-"));
    const dataDir = join(work, "data");
    server = await serveBuilt({ dataDir, env: { GITSYNC_DEMO: "false", GITSYNC_RECONCILE_INTERVAL: "0" } });
    for (let i = 0; i < TENANTS; i++) {
      expect((await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug: slugOf(i), name: slugOf(i) } })).status).toBe(201);
      const connection = { name: "warehouse", type: "postgres" };
      expect((await callBuilt(server, "POST", `/api/v1/tenants/${slugOf(i)}/connections`, { body: connection })).status).toBe(201);
    }
    await server.stop();
    await shareOneRepository(dataDir);

    // At start the first tenant gives the shared branch its first commit and the reconcile
    // brings every tenant in step with it.
    server = await serveBuilt({ dataDir, env: { GITSYNC_DEMO: "false", GITSYNC_RECONCILE_INTERVAL: "3600" } });
    const bare = join(dataDir, "repos", "shared.git");
    const base = await waitFor("every tenant in step with the shared branch", async () => {
      const head = git(work, ["--git-dir", bare, "rev-parse", "main"]);
      for (let i = 0; i < TENANTS; i++) {
        const status = await callBuilt(server!, "GET", `/api/v1/tenants/${slugOf(i)}/status`);
        if (status.body.lastAppliedSha !== head) return null;
      }
      return head;
    });

    const checkout = join(work, "checkout");
    git(work, ["clone", "-q", bare, checkout]);
    const touched = [slugOf(3), slugOf(10)];
    for (const slug of touched) {
      await mkdir(join(checkout, slug, "models"), { recursive: true });
      await writeFile(join(checkout, slug, "models", `${slug.replace("-", "_")}.yaml`), model(slug.replace("-", "_")));
    }
    git(checkout, ["add", "-A"]);
    git(checkout, ["commit", "-q", "-m", "two teams"]);
    const head = git(checkout, ["rev-parse", "HEAD"]);
    git(checkout, ["push", "-q", "origin", "main"]);
    expect(head).not.toBe(base);

    await waitFor("every tenant at the pushed head", async () => {
      for (let i = 0; i < TENANTS; i++) {
        const status = await callBuilt(server!, "GET", `/api/v1/tenants/${slugOf(i)}/status`);
        if (status.body.lastAppliedSha !== head) return null;
      }
      return true;
    });
    for (let i = 0; i < TENANTS; i++) {
      const slug = slugOf(i);
      const models = await callBuilt(server, "GET", `/api/v1/tenants/${slug}/resources/models`);
      const log = await callBuilt(server, "GET", `/api/v1/tenants/${slug}/log?direction=INBOUND`);
      if (touched.includes(slug)) {
        expect(models.body.items.map((r: { name: string }) => r.name)).toEqual([slug.replace("-", "_")]);
        expect(log.body.items[0]).toMatchObject({ status: "done", commitSha: head });
      } else {
        expect(models.body.items).toEqual([]);
        expect(log.body.items.filter((e: { commitSha: string }) => e.commitSha === head)).toEqual([]);
      }
    }
  }, 240_000);
});
