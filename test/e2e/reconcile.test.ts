import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/**
 * Pushes no webhook told of, on the built server: one made while the server was down, one made
 * with the repository's hooks turned off while it runs. The reconcile (at start, then every
 * GITSYNC_RECONCILE_INTERVAL seconds) applies each and the sync log says "reconciled".
 */

const pat = { GIT_AUTHOR_NAME: "Pat", GIT_AUTHOR_EMAIL: "pat@example.com", GIT_COMMITTER_NAME: "Pat", GIT_COMMITTER_EMAIL: "pat@example.com" };
const git = (cwd: string, args: string[]): string =>
  execFileSync("git", args, { cwd, env: { ...process.env, ...pat }, stdio: ["ignore", "pipe", "pipe"] }).toString("utf8").trim();

/** A push the receiving repository's hooks never see: no pre-receive check, no webhook. */
const silentPush = (cwd: string) => git(cwd, ["push", "-q", "--receive-pack=git -c core.hooksPath=/dev/null receive-pack", "origin", "main"]);

const model = (name: string) =>
  `name: ${name}\nsource: warehouse\ntype: table\ndbtModel: null\nrawSql: null\ntableName: analytics.${name.replace("-", "_")}\nisSchema: false\nprimaryKey: id\n`;

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => null);
    if (found !== null) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function commitModel(checkout: string, name: string): Promise<string> {
  await writeFile(join(checkout, "models", `${name}.yaml`), model(name));
  git(checkout, ["add", "-A"]);
  git(checkout, ["commit", "-q", "-m", `add ${name}`]);
  return git(checkout, ["rev-parse", "HEAD"]);
}

async function reconciledEntry(server: BuiltServer, sha: string): Promise<{ note: string; status: string; resources: string[] } | null> {
  const log = await callBuilt(server, "GET", "/api/v1/tenants/demo/log");
  return log.body.items.find((e: { commitSha: string | null }) => e.commitSha === sha) ?? null;
}

describe("reconcile on the built server", () => {
  let work: string;
  let dataDir: string;
  let server: BuiltServer | undefined;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "gitsync-e2e-reconcile-"));
    dataDir = join(work, "data");
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("applies a push made while the server was down, at start, and one made with the hooks off, within the interval", async () => {
    server = await serveBuilt({ dataDir, env: { GITSYNC_RECONCILE_INTERVAL: "0" } });
    const bare = join(dataDir, "repos", "demo.git");
    await waitFor("the demo tenant's first commit", async () => (git(work, ["--git-dir", bare, "rev-parse", "main"]) ? true : null));
    const checkout = join(work, "checkout");
    git(work, ["clone", "-q", bare, checkout]);
    expect(await server.stop()).toBe(0);

    const whileDown = await commitModel(checkout, "late-orders");
    silentPush(checkout);

    server = await serveBuilt({ dataDir, env: { GITSYNC_RECONCILE_INTERVAL: "1" } });
    const first = await waitFor("the push made while down", () => reconciledEntry(server!, whileDown));
    expect(first).toMatchObject({ status: "done", resources: ["model/late-orders"] });
    expect(first.note).toMatch(/^reconciled: /);
    const resource = await callBuilt(server, "GET", "/api/v1/tenants/demo/resources/models/late-orders");
    expect(resource.status).toBe(200);
    const line = server.stdout().split("\n").find((l) => l.includes('"msg":"reconciled"'));
    expect(JSON.parse(line ?? "{}")).toMatchObject({ level: 30, tenant: "demo", commit: whileDown, status: "applied" });

    const hooksOff = await commitModel(checkout, "later-orders");
    silentPush(checkout);
    const second = await waitFor("the push with the hooks off", () => reconciledEntry(server!, hooksOff), 10_000);
    expect(second).toMatchObject({ status: "done", resources: ["model/later-orders"] });

    // In step again: the recorded drift says so, and so does a fresh read.
    // The round records the drift just after it applied.
    const recorded = await waitFor("the drift recorded at the new head", async () => {
      const answer = await callBuilt(server!, "GET", "/api/v1/tenants/demo/drift?recorded=true");
      return answer.body.head === hooksOff ? answer : null;
    });
    expect(recorded.body).toMatchObject({ head: hooksOff, lastAppliedSha: hooksOff, inSync: true, items: [] });
    const fresh = await callBuilt(server, "GET", "/api/v1/tenants/demo/drift");
    expect(fresh.body).toMatchObject({ head: hooksOff, inSync: true });
  }, 180_000);

  it("reports drift before a reconcile runs, with reconcile turned off", async () => {
    await server?.stop();
    server = await serveBuilt({ dataDir, env: { GITSYNC_RECONCILE_INTERVAL: "0" } });
    const checkout = join(work, "checkout");
    const head = await commitModel(checkout, "unseen-orders");
    silentPush(checkout);
    const drift = await callBuilt(server, "GET", "/api/v1/tenants/demo/drift");
    expect(drift.body).toMatchObject({ head, inSync: false, items: [{ kind: "model", name: "unseen-orders", direction: "git-only" }] });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await reconciledEntry(server, head)).toBeNull();
  }, 180_000);
});
