import { randomUUID } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { resourcePath, serializeResource } from "../../src/catalog/serialize.js";
import type { Store } from "../../src/core/index.js";
import { ProviderRegistry } from "../../src/providers/registry.js";
import { githubApp } from "../../src/server/github-app.js";
import { SyncService } from "../../src/sync/service.js";
import tokenFixture from "../../fixtures/github/api/installation-token.json" with { type: "json" };
import { GitHubHarness } from "../contract/github-harness.js";
import {
  appPrivateKey,
  checkRunRerequestedPayload,
  checkSuiteRerequestedPayload,
  deferred,
  GitHubAppMock,
  pullRequestPayload,
  type PullTarget,
} from "../helpers/github-app-mock.js";
import { pushCommit } from "../helpers/github-repo.js";
import { useStrictHttpMock } from "../helpers/http-mock.js";
import { leads, makeTempDir, openStoreIn, orders, syncDeps } from "../helpers/sync-world.js";

/**
 * PR checks on GitHub, through the App as GitHub drives it: a real Probot loading githubApp,
 * events from the official example payloads, Probot's installation token exchange, and every
 * check-run request asserted inside its interceptor. No interceptor persists: an extra
 * request fails as unmatched, a missing one as unused.
 */

useStrictHttpMock();

type Body = Record<string, unknown>;
type Output = { title?: string; summary?: string; annotations?: Body[] };

const output = (body: Body): Output => (body.output ?? {});

interface World {
  dir: string;
  store: Store;
  catalog: Catalog;
  h: GitHubHarness;
  mock: GitHubAppMock;
  sync: SyncService;
  probot: Probot;
  logs: string[];
  /** Tenant reads (listResources) made by the engine. */
  tenantReads: number;
  seed: string;
}

let privateKey: string;
beforeAll(() => {
  privateKey = appPrivateKey();
});

/** Counts the engine's reads of the tenant, to show a no-config PR never reads it. */
function countingReads(store: Store, w: { tenantReads: number }): Store {
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      const fn = (value as (...args: unknown[]) => unknown).bind(target);
      return prop === "listResources" ? (...args: unknown[]) => (w.tenantReads++, fn(...args)) : fn;
    },
  });
}

async function makeWorld(): Promise<World> {
  const dir = await makeTempDir("github-checks");
  const store = await openStoreIn(dir);
  const catalog = await Catalog.load();
  const h = new GitHubHarness();
  const logs: string[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });
  const w = { dir, store, catalog, h, mock: new GitHubAppMock(h), logs, tenantReads: 0, seed: "" } as World;

  const registry = new ProviderRegistry({
    dataDir: join(dir, "data"),
    reviews: store,
    tokenFor: async () => null,
    local: { hookUrl: null, webhookSecret: null },
    github: { webhookSecret: null, baseUrl: null },
    gitlab: { webhookSecret: null, baseUrl: null },
    bitbucket: { webhookSecret: null, baseUrl: null },
  });
  w.sync = new SyncService(syncDeps(countingReads(store, w), catalog, (tenant, git) => registry.forTenant(tenant, git), log));
  await w.sync.work();
  w.probot = new Probot({
    appId: 1,
    privateKey,
    log,
    // A function, not an object: Probot passes its own throttle options to each client it makes,
    // which would replace an object's and space every write a second apart.
    Octokit: ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } })),
  });
  await w.probot.load(githubApp({ sync: w.sync, registry }));

  // The tenant tracks main of acme/config through the App (no token of its own).
  await store.createTenant({ slug: "acme", name: "Acme" });
  const git = await store.getGitConnection("acme");
  await store.putGitConnection("acme", { ...git, provider: "github", repository: "acme/config", outbound: "pull-request" });
  for (const name of ["warehouse", "hubspot"]) await store.putConnection("acme", { name, type: "postgres" });
  await store.putResource("acme", { kind: "model", name: "orders", body: orders, project: "sales", actor: { name: "seed", email: "seed@example.com" }, outbox: false });
  w.seed = await h.seed({ "README.md": "# config\n", "models/orders.yaml": serializeResource(catalog, "model", orders, "yaml") });
  await store.putSyncState("acme", { lastAppliedSha: w.seed });
  return w;
}

/** A pull request from `feature` with these file changes, as GitHub would describe it. */
function openPull(w: World, files: Record<string, string | null>, number = 7, branch = "feature"): PullTarget {
  const { after } = pushCommit(w.h.forge, { branch, from: w.seed, files });
  return { number, head: branch, headSha: after, base: "main", baseSha: w.seed };
}

async function deliver(w: World, name: "pull_request" | "check_run" | "check_suite", payload: Body): Promise<void> {
  await w.probot.receive({ name, id: randomUUID(), payload } as never);
}

const syncFile = (model: string) => `model: ${model}\ndestination: hubspot\nconfig: {}\nschedule: null\nschedulePaused: false\n`;

describe("gitsync's check run on GitHub pull requests (Probot)", () => {
  let w: World;
  const counts: Record<string, number> = {};

  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async (context) => {
    await w.sync.stop();
    console.log(`[github checks] ${context.task.name}: ${w.mock.requestCount()} requests`);
    counts[context.task.name] = w.mock.requestCount();
    w.mock.assertBodies();
    await w.store.close();
    await rm(w.dir, { recursive: true, force: true });
  });

  it("fails a PR with 120 findings: in progress, then 50 annotations per request at exact positions", async () => {
    const hourly = await readFile("fixtures/configs/invalid/schema/syncs/orders-hourly.yaml", "utf8");
    const files: Record<string, string> = { "syncs/orders-hourly.yaml": hourly };
    for (let i = 0; i < 119; i++) files[`syncs/s-${String(i).padStart(3, "0")}.yaml`] = syncFile("nowhere");
    const pr = openPull(w, files);

    w.mock.installation();
    w.h.expect({ op: "changedFiles", base: w.seed, head: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    w.mock.createCheck(pr.headSha, (body) => {
      expect(body).toMatchObject({ name: "gitsync", head_sha: pr.headSha, status: "in_progress" });
      expect(output(body).summary).toBe("Validating 120 changed configuration file(s).");
      expect(output(body).annotations).toBeUndefined();
    });
    w.h.expect({ op: "readFiles", sha: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    const sizes: number[] = [];
    for (const last of [false, false, true]) {
      w.mock.updateCheck((body) => {
        const annotations = output(body).annotations ?? [];
        sizes.push(annotations.length);
        for (const a of annotations) {
          const missing = a.path !== "syncs/orders-hourly.yaml";
          expect(a).toEqual({
            path: a.path,
            start_line: missing ? 1 : 6,
            end_line: missing ? 1 : 6,
            start_column: missing ? 8 : 15,
            end_column: missing ? 8 : 15,
            annotation_level: "failure",
            title: missing ? "missing-reference" : "schema",
            message: expect.any(String),
          });
        }
        if (last) expect(body).toMatchObject({ status: "completed", conclusion: "failure" });
        else expect(body.status).toBeUndefined();
        expect(output(body).title).toBe("120 error(s) in the configuration");
      });
    }

    await deliver(w, "pull_request", pullRequestPayload("opened", pr, w.mock.installationId));
    await w.sync.idle();

    expect(sizes).toEqual([50, 50, 20]);
    const [run] = w.h.forge.checkRuns;
    expect(run).toMatchObject({ sha: pr.headSha, status: "completed", conclusion: "failure" });
    expect(run?.annotations[0]).toMatchObject({ path: "syncs/orders-hourly.yaml", start_line: 6, start_column: 15, title: "schema" });
    expect(run?.annotations[1]).toMatchObject({ path: "syncs/s-000.yaml", start_line: 1, start_column: 8, title: "missing-reference" });
    expect(new Set(run?.annotations.map((a) => (a as Body).path)).size).toBe(120);
    expect(w.mock.requestCount()).toBe(11);
  });

  it("passes a valid PR with the plan table in the summary", async () => {
    const [path, content] = [resourcePath("", "models", "orders", "yaml"), serializeResource(w.catalog, "model", orders, "yaml")];
    const pr = openPull(w, {
      [path]: content.replace("primaryKey: order_id", "primaryKey: id"),
      "models/leads.yaml": serializeResource(w.catalog, "model", leads, "yaml"),
    });

    w.mock.installation();
    w.h.expect({ op: "changedFiles", base: w.seed, head: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    w.mock.createCheck(pr.headSha, (body) => expect(body).toMatchObject({ name: "gitsync", status: "in_progress" }));
    w.h.expect({ op: "readFiles", sha: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    let summary = "";
    w.mock.updateCheck((body) => {
      expect(body).toMatchObject({ status: "completed", conclusion: "success" });
      expect(output(body).title).toBe("Valid: 1 to create, 1 to update, 0 to delete or archive");
      expect(output(body).annotations).toBeUndefined();
      summary = output(body).summary ?? "";
    });

    await deliver(w, "pull_request", pullRequestPayload("synchronize", pr, w.mock.installationId));
    await w.sync.idle();

    expect(summary).toContain("### gitsync: tenant `acme`");
    expect(summary).toContain("**Plan:** 1 to create, 1 to update, 0 to delete or archive.");
    expect(summary).toContain("#### Project `marketing`\n\n| action | kind | resource | changed fields |\n| --- | --- | --- | --- |\n| create | model | `leads` |  |");
    expect(summary).toContain("#### Project `sales`\n\n| action | kind | resource | changed fields |\n| --- | --- | --- | --- |\n| update | model | `orders` | `primaryKey` |");
    expect(w.h.forge.checkRuns).toHaveLength(1);
    expect(w.mock.requestCount()).toBe(9);
    // A check is a dry run: the tenant is unchanged.
    expect((await w.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("order_id");
  });

  it("answers a PR that touches no config neutral, without reading the tenant or any file", async () => {
    const pr = openPull(w, { "README.md": "# config\n\nNow with more words.\n" });
    w.mock.installation();
    w.h.expect({ op: "changedFiles", base: w.seed, head: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    w.mock.createCheck(pr.headSha, (body) => expect(body).toMatchObject({ status: "in_progress" }));
    w.mock.updateCheck((body) => {
      expect(body).toMatchObject({ status: "completed", conclusion: "neutral" });
      expect(output(body)).toMatchObject({ title: "No configuration changes", summary: "No configuration file under `/` changed: nothing for gitsync to check." });
    });

    await deliver(w, "pull_request", pullRequestPayload("opened", pr, w.mock.installationId));
    await w.sync.idle();
    expect(w.tenantReads).toBe(0);
    expect(w.mock.requestCount()).toBe(6);
  });

  it("keeps a huge summary within 65,535 characters and says it was truncated", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) {
      const name = `m-${String(i).padStart(4, "0")}-${"x".repeat(90)}`;
      files[`models/${name}.yaml`] = serializeResource(w.catalog, "model", { ...orders, name, project: null }, "yaml");
    }
    const pr = openPull(w, files);
    w.mock.installation();
    // 1,000 files: compare lists 300, so the provider diffs the two trees instead.
    w.h.expect({ op: "changedFiles", base: w.seed, head: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    w.mock.createCheck(pr.headSha, (body) => expect(output(body).summary).toBe("Validating 1000 changed configuration file(s)."));
    w.h.expect({ op: "readFiles", sha: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    let summary = "";
    w.mock.updateCheck((body) => {
      expect(body).toMatchObject({ status: "completed", conclusion: "success" });
      summary = output(body).summary ?? "";
    });

    await deliver(w, "pull_request", pullRequestPayload("opened", pr, w.mock.installationId));
    await w.sync.idle();
    expect(summary.length).toBeLessThanOrEqual(65_535);
    expect(summary.length).toBeGreaterThan(60_000);
    expect(summary).toContain("| create | model | `m-0000-");
    expect(summary).not.toContain("`m-0999-");
    expect(summary.trimEnd().split("\n").at(-1)).toBe("_… truncated: the full report is longer than this provider allows._");
    expect(w.mock.requestCount()).toBe(11);
  });

  it("acknowledges events no tenant tracks without a single request", async () => {
    const pr = openPull(w, { "models/x.yaml": "name: x\n" });
    await deliver(w, "pull_request", pullRequestPayload("opened", { ...pr, base: "develop" }, w.mock.installationId));
    await deliver(w, "pull_request", pullRequestPayload("opened", { ...pr, repository: "someone/else" }, w.mock.installationId));
    // "Re-run" on another app's check is not gitsync's to answer.
    await deliver(w, "check_run", checkRunRerequestedPayload("ci", pr, w.mock.installationId));
    await w.sync.idle();
    expect(w.mock.requestCount()).toBe(0);
    expect(w.h.forge.checkRuns).toEqual([]);
    expect(w.logs.filter((l) => l.includes("no tenant tracks this event"))).toHaveLength(2);
  });

  it("logs a failing GitHub API with the event's context and never throws at Probot", async () => {
    const pr = openPull(w, { "models/orders.yaml": "name: orders\n" });
    w.mock.installation();
    nock("https://api.github.com")
      .get(`/repos/acme/config/compare/${w.seed}...${pr.headSha}`)
      .query({ per_page: "1" })
      .reply(502, { message: "Server Error" });

    const id = randomUUID();
    await expect(w.probot.receive({ name: "pull_request", id, payload: pullRequestPayload("opened", pr, w.mock.installationId) } as never)).resolves.toBeUndefined();
    await w.sync.idle();

    // The event's job failed; it is retried later (a redelivery would queue it again too).
    const failed = w.logs.map((l) => JSON.parse(l) as Body).filter((l) => l.msg === "webhook job failed");
    expect(failed).toEqual([
      expect.objectContaining({ event: "pull_request", delivery: id, repository: "acme/config", err: expect.stringContaining("502 Server Error") }),
    ]);
    // The installation token is in every request's headers; it must not reach the log.
    for (const line of w.logs) expect(line).not.toContain(tokenFixture.token);
    expect(w.h.forge.checkRuns).toEqual([]);
  });

  it("re-evaluates on Re-run (check_run.rerequested) with a fresh check run", async () => {
    const pr = openPull(w, { "syncs/orders-to-crm.yaml": syncFile("orders") });
    w.mock.installation();
    for (const _ of ["opened", "rerequested"]) {
      w.h.expect({ op: "changedFiles", base: w.seed, head: pr.headSha, path: "" });
      w.mock.listChecks(pr.headSha);
      w.mock.createCheck(pr.headSha, (body) => expect(body).toMatchObject({ name: "gitsync", status: "in_progress" }));
      w.h.expect({ op: "readFiles", sha: pr.headSha, path: "" });
      w.mock.listChecks(pr.headSha);
      w.mock.updateCheck((body) => expect(body).toMatchObject({ status: "completed", conclusion: "success" }));
    }

    await deliver(w, "pull_request", pullRequestPayload("opened", pr, w.mock.installationId));
    await w.sync.idle();
    expect(w.mock.requestCount()).toBe(9);
    await deliver(w, "check_run", checkRunRerequestedPayload("gitsync", pr, w.mock.installationId));
    await w.sync.idle();
    // The installation and its token are remembered: the re-run costs 7 requests.
    expect(w.mock.requestCount()).toBe(16);
    expect(w.h.forge.checkRuns.map((r) => [r.sha, r.status, r.conclusion])).toEqual([
      [pr.headSha, "completed", "success"],
      [pr.headSha, "completed", "success"],
    ]);
  });

  it("re-evaluates on Re-run all checks (check_suite.rerequested)", async () => {
    const pr = openPull(w, { "syncs/orders-to-crm.yaml": syncFile("orders") });
    w.mock.installation();
    w.h.expect({ op: "changedFiles", base: w.seed, head: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    w.mock.createCheck(pr.headSha, (body) => expect(body).toMatchObject({ name: "gitsync", status: "in_progress" }));
    w.h.expect({ op: "readFiles", sha: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    w.mock.updateCheck((body) => expect(body).toMatchObject({ status: "completed", conclusion: "success" }));

    await deliver(w, "check_suite", checkSuiteRerequestedPayload(pr, w.mock.installationId));
    await w.sync.idle();
    expect(w.h.forge.checkRuns.map((r) => [r.sha, r.status, r.conclusion])).toEqual([[pr.headSha, "completed", "success"]]);
  });

  it("ends two quick pushes with the newest head's check: the older evaluation never overwrites it", async () => {
    const older = openPull(w, { "syncs/broken.yaml": syncFile("nowhere") });
    const { after: newest } = pushCommit(w.h.forge, { branch: "feature", files: { "syncs/broken.yaml": syncFile("orders") } });
    const newer = { ...older, headSha: newest };

    const release = deferred();
    w.mock.installation();
    w.h.expect({ op: "changedFiles", base: w.seed, head: older.headSha, path: "" });
    w.mock.listChecks(older.headSha);
    // The older evaluation is held at its first check-run request until the newer one is done.
    const olderStarted = w.mock.createCheck(older.headSha, () => undefined, { hold: release.promise });
    w.h.expect({ op: "readFiles", sha: older.headSha, path: "" });

    w.h.expect({ op: "changedFiles", base: w.seed, head: newest, path: "" });
    w.mock.listChecks(newest);
    w.mock.createCheck(newest, (body) => expect(body.status).toBe("in_progress"));
    w.h.expect({ op: "readFiles", sha: newest, path: "" });
    w.mock.listChecks(newest);
    const newerDone = w.mock.updateCheck((body, run) => {
      expect(run.sha).toBe(newest);
      expect(body).toMatchObject({ status: "completed", conclusion: "success" });
    });
    // Released, the older evaluation finds itself superseded and closes its own run, neutral.
    w.mock.listChecks(older.headSha);
    w.mock.updateCheck((body, run) => {
      expect(run.sha).toBe(older.headSha);
      expect(body).toMatchObject({ status: "completed", conclusion: "neutral", output: { title: "Superseded by a newer commit" } });
    });

    await deliver(w, "pull_request", pullRequestPayload("opened", older, w.mock.installationId));
    await olderStarted.arrived;
    await deliver(w, "pull_request", pullRequestPayload("synchronize", newer, w.mock.installationId));
    await newerDone.served;
    release.resolve();
    await w.sync.idle();

    expect(w.mock.completed.map((r) => [r.sha, r.conclusion])).toEqual([
      [newest, "success"],
      [older.headSha, "neutral"],
    ]);
    const olderRun = w.h.forge.checkRuns.find((r) => r.sha === older.headSha);
    expect(olderRun?.status).toBe("completed");
    expect(w.mock.requestCount()).toBe(2 + 5 + 7 + 2);
  });

  it("fails a PR adding a secret field or a connection file, and the values go nowhere", async () => {
    const spark = await readFile("fixtures/configs/invalid/secret/cluster-definitions/spark-small.yaml", "utf8");
    const connection = await readFile("fixtures/configs/invalid/not-exported/connections/warehouse.yaml", "utf8");
    const secrets = ["dapi-0123456789abcdef", "hunter2"];
    for (const s of secrets) expect(spark + connection).toContain(s);
    const pr = openPull(w, { "cluster-definitions/spark-small.yaml": spark, "connections/warehouse.yaml": connection });

    w.mock.installation();
    w.h.expect({ op: "changedFiles", base: w.seed, head: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    w.mock.createCheck(pr.headSha, (body) => expect(body.status).toBe("in_progress"));
    w.h.expect({ op: "readFiles", sha: pr.headSha, path: "" });
    w.mock.listChecks(pr.headSha);
    w.mock.updateCheck((body) => {
      expect(body).toMatchObject({ status: "completed", conclusion: "failure" });
      expect(output(body).annotations).toEqual([
        expect.objectContaining({ path: "cluster-definitions/spark-small.yaml", start_line: 5, start_column: 3, title: "secret" }),
        expect.objectContaining({ path: "connections/warehouse.yaml", start_line: 1, start_column: 1, title: "not-exported" }),
      ]);
    });

    await deliver(w, "pull_request", pullRequestPayload("opened", pr, w.mock.installationId));
    await w.sync.idle();

    // The token exchange, the check run created and its completion: every body that left.
    expect(w.mock.bodies.length).toBe(3);
    for (const body of w.mock.bodies) for (const s of secrets) expect(body).not.toContain(s);
    for (const line of w.logs) for (const s of secrets) expect(line).not.toContain(s);
    const run = w.h.forge.checkRuns[0];
    for (const s of secrets) expect(JSON.stringify(run)).not.toContain(s);
    expect(w.mock.requestCount()).toBe(9);
  });
});
