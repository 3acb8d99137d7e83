import { execFile, spawn } from "node:child_process";
import { watch, type FSWatcher } from "node:fs";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Catalog } from "../src/catalog/catalog.js";
import { resourcePath, serializeResource } from "../src/catalog/serialize.js";
import type { Actor, GitProvider, JsonObject, Store } from "../src/core/index.js";
import { LocalProvider } from "../src/providers/local/index.js";
import { openStore } from "../src/store/index.js";
import { openJobQueue } from "../src/store/jobs/index.js";
import { snapshotBranchName } from "../src/sync/commit-message.js";
import { SyncService } from "../src/sync/service.js";

/**
 * `npm run bench -- sync [--only a,b] [--writes N] [--tenants T] [--debounce MS] [--files N]
 * [--resources N] [--cpu-prof DIR]`: the sync engine's figures.
 *
 * - outbound: API write → commit on the branch, p50/p99, through the real server (buildApp,
 *   loopback port 0, local provider). T tenants each make isolated writes one after another
 *   (write, wait for its commit, short random pause), so the tenants' commits overlap as on a
 *   busy server. Target: p50 within the debounce + 200 ms.
 * - inbound-local / inbound-github: one push changing N files (default 1,000) applied; the
 *   first sync (whole tree) is shown too. Target: under 2 s. GitHub runs against the in-memory
 *   forge of the contract tests behind nock (persisted interceptors, counted).
 * - snapshot-local / snapshot-github: "Sync changes" of an N-resource tenant (default 10,000):
 *   time and peak memory. Targets: under 5 s and under 300 MB.
 *
 * Each scenario runs in its own child process, so peak memory (maxRSS) is the scenario's own
 * and nock never sees the loopback traffic of another scenario. `--cpu-prof DIR` profiles them.
 */

const SELF = fileURLToPath(import.meta.url);
const SCENARIOS = ["outbound", "inbound-local", "inbound-github", "snapshot-local", "snapshot-github"] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Options {
  writes: number;
  tenants: number;
  debounce: number;
  files: number;
  resources: number;
}

type Figures = Record<string, string | number>;

const TARGETS: Record<Scenario, (f: Figures, o: Options) => string> = {
  outbound: (f, o) => verdict(Number(f.p50Ms) <= o.debounce + 200, `p50 ≤ debounce + 200 ms = ${o.debounce + 200} ms`),
  "inbound-local": (f) => verdict(Number(f.applyMs) < 2000, "push apply < 2000 ms"),
  "inbound-github": (f) => verdict(Number(f.applyMs) < 2000, "push apply < 2000 ms"),
  "snapshot-local": (f) => verdict(Number(f.snapshotMs) < 5000 && Number(f.peakRssMb) < 300, "snapshot < 5000 ms and < 300 MB"),
  "snapshot-github": (f) => verdict(Number(f.snapshotMs) < 5000 && Number(f.peakRssMb) < 300, "snapshot < 5000 ms and < 300 MB"),
};

const verdict = (ok: boolean, target: string) => `${ok ? "MET" : "MISSED"} (${target})`;

function intOption(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

function stringOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function run(args: string[]): Promise<void> {
  const options: Options = {
    writes: intOption(args, "--writes", 200),
    tenants: intOption(args, "--tenants", 5),
    debounce: intOption(args, "--debounce", 1000),
    files: intOption(args, "--files", 1000),
    resources: intOption(args, "--resources", 10_000),
  };
  const only = stringOption(args, "--only");
  const chosen = only ? (only.split(",") as Scenario[]) : [...SCENARIOS];
  for (const s of chosen) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario '${s}'; known: ${SCENARIOS.join(", ")}`);
  const profileDir = stringOption(args, "--cpu-prof");

  const load = () => loadavg().map((l) => l.toFixed(2)).join(", ");
  console.log(`load average before: ${load()} (2 cores shared); node ${process.version}`);
  for (const scenario of chosen) {
    const figures = await child(scenario, options, profileDir);
    console.log(`\n-- ${scenario} --`);
    for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(22)} ${value}`);
    console.log(`  ${"target".padEnd(22)} ${TARGETS[scenario](figures, options)}`);
  }
  console.log(`\nload average after: ${load()}`);
}

/** Runs one scenario in a fresh process; its last stdout line is the figures as JSON. */
function child(scenario: Scenario, options: Options, profileDir: string | undefined): Promise<Figures> {
  const flags = ["--import", "tsx", ...(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir, "--cpu-prof-name", `${scenario}.cpuprofile`] : [])];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...flags, SELF, "--child", scenario, JSON.stringify(options)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    proc.on("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) reject(new Error(`scenario ${scenario} exited with ${code}\n${out}`));
      else resolve(JSON.parse(last) as Figures);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Fixtures: a tenant of every exported kind without cross-kind cycles; `variant` changes one
// field of each so a second commit touches every file.

const ACTOR: Actor = { name: "Bench Person", email: "bench@example.com" };
const COMMITTER: Actor = { name: "gitsync", email: "gitsync@example.com" };
const NOW = new Date("2026-11-23T12:00:00Z");
const silent = { info() {}, warn() {}, error() {} };

interface Fixture {
  kind: string;
  folder: string;
  name: string;
  body: JsonObject;
  project: string | null;
}

function fixture(i: number, variant = 0): Fixture {
  const n = String(i).padStart(5, "0");
  const project = `project-${i % 10}`;
  switch (i % 5) {
    case 0:
      return {
        kind: "model",
        folder: "models",
        name: `orders-${n}`,
        project,
        body: { name: `orders-${n}`, source: "warehouse", type: "table", dbtModel: null, tableName: `sales.orders_${n}`, isSchema: false, primaryKey: variant ? "order_key" : "order_id", project },
      };
    case 1:
      return {
        kind: "sync",
        folder: "syncs",
        name: `orders-${n}-to-crm`,
        project,
        body: {
          model: `orders-${String(i - 1).padStart(5, "0")}`,
          destination: "crm",
          config: { object: "Order", mode: "upsert", mappings: [{ from: "id", to: "ExternalId__c" }] },
          schedule: { type: "interval", every: variant ? "30m" : "15m" },
          schedulePaused: false,
          project,
        },
      };
    case 2:
      return {
        kind: "file-definition",
        folder: "file-definitions",
        name: `csv-${n}`,
        project: null,
        body: { name: `csv-${n}`, type: "csv", filePath: `/landing/${n}/`, extension: "csv", delimiter: variant ? ";" : ",", hasHeader: true, encoding: "utf-8" },
      };
    case 3:
      return {
        kind: "python-environment",
        folder: "python-environments",
        name: `env-${n}`,
        project: null,
        body: { name: `env-${n}`, path: `envs/env-${n}`, pythonVersion: variant ? "3.12" : "3.11", packages: ["pandas==2.2.2", "pyarrow==16.1.0"] },
      };
    default:
      return {
        kind: "cluster-definition",
        folder: "cluster-definitions",
        name: `spark-${n}`,
        project: null,
        body: { name: `spark-${n}`, type: "spark", configuration: { workers: variant ? 4 : 2, nodeType: "standard" } },
      };
  }
}

function files(catalog: Catalog, count: number, variant: number): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const f = fixture(i, variant);
    out.set(resourcePath("", f.folder, f.name, "yaml"), serializeResource(catalog, f.kind, f.body, "yaml"));
  }
  return out;
}

interface Engine {
  dir: string;
  store: Store;
  catalog: Catalog;
  service: SyncService;
}

/** A SQLite store and the engine over one provider, with tenant `bench` pointing at it. */
async function engine(provider: (store: Store, dir: string) => GitProvider, git: { provider: "local" | "github"; repository: string }): Promise<Engine & { provider: GitProvider }> {
  const dir = await mkdtemp(join(tmpdir(), "gitsync-bench-sync-"));
  const store = await openStore({ dataDir: join(dir, "data"), secretKey: randomBytes(32) });
  const catalog = await Catalog.load();
  const p = provider(store, dir);
  const jobs = openJobQueue(store, { databaseUrl: null, concurrency: 4, leaseSeconds: 60 });
  const service = new SyncService({ store, catalog, providers: async () => p, log: silent, now: () => NOW, committer: COMMITTER, jobs });
  await service.work();
  await store.createTenant({ slug: "bench", name: "Bench" });
  const current = await store.getGitConnection("bench");
  await store.putGitConnection("bench", { ...current, ...git });
  for (const name of ["warehouse", "crm"]) await store.putConnection("bench", { name, type: "postgres" });
  return { dir, store, catalog, service, provider: p };
}

const localProvider = (store: Store, dir: string) => new LocalProvider({ root: join(dir, "repos"), reviews: store });

const ms = (from: number) => Math.round(performance.now() - from);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
/** The process's peak resident memory so far (maxRSS is in KiB). */
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

// ---------------------------------------------------------------------------------------------
// Inbound: a first sync of N files, then one push changing all N.

async function inbound(kind: "local" | "github", options: Options): Promise<Figures> {
  const catalog = await Catalog.load();
  const first = files(catalog, options.files, 0);
  const second = files(catalog, options.files, 1);
  if (kind === "local") {
    const e = await engine(localProvider, { provider: "local", repository: "bench" });
    try {
      const commit = async (changes: Map<string, string>, expectedHead: string) => {
        const { sha } = await e.provider.commit({
          repository: "bench",
          branch: "main",
          expectedHead,
          message: "bench push",
          author: ACTOR,
          committer: ACTOR,
          changes: [...changes].map(([path, content]) => ({ action: "upsert" as const, path, content })),
        });
        if (sha === null) throw new Error("the bench commit changed nothing");
        return sha;
      };
      const a = await commit(first, "");
      return await applyTwice(e, a, () => commit(second, a), () => 0);
    } finally {
      await e.service.stop();
      await e.store.close();
      await rm(e.dir, { recursive: true, force: true });
    }
  }
  const gh = await githubForge();
  const e = await engine(() => gh.provider, { provider: "github", repository: gh.repository });
  try {
    const a = await gh.seed(Object.fromEntries(first));
    const b = gh.pushCommit(a, second);
    // The requests the engine makes for these two applies, kept for any number of calls.
    gh.persist({ op: "readFiles", sha: a, path: "" });
    gh.persist({ op: "publishCheck", sha: a, annotations: 0, status: "completed" });
    gh.persist({ op: "isAncestor", ancestor: b, descendant: a });
    gh.persist({ op: "isAncestor", ancestor: a, descendant: b });
    gh.persist({ op: "changedFiles", base: a, head: b, path: "" });
    gh.persist({ op: "readFiles", sha: b, path: "" });
    gh.persist({ op: "publishCheck", sha: b, annotations: 0, status: "completed" });
    const figures = await applyTwice(e, a, async () => b, () => gh.takeCount());
    return figures;
  } finally {
    gh.done();
    await e.service.stop();
    await e.store.close();
    await rm(e.dir, { recursive: true, force: true });
  }
}

async function applyTwice(e: Engine, a: string, push: () => Promise<string>, requests: () => number): Promise<Figures> {
  requests();
  let start = performance.now();
  const firstOutcome = await e.service.inbound.apply({ tenant: "bench", after: a, pusher: ACTOR });
  const firstMs = ms(start);
  const firstRequests = requests();
  if (firstOutcome.status !== "applied") throw new Error(`first sync: ${JSON.stringify(firstOutcome).slice(0, 500)}`);
  const b = await push();
  start = performance.now();
  const outcome = await e.service.inbound.apply({ tenant: "bench", after: b, pusher: ACTOR });
  const applyMs = ms(start);
  const applyRequests = requests();
  if (outcome.status !== "applied") throw new Error(`push: ${JSON.stringify(outcome).slice(0, 500)}`);
  return {
    files: (await e.store.listResources("bench")).length,
    firstSyncMs: firstMs,
    firstSyncCreated: firstOutcome.plan.counts.create,
    ...(firstRequests > 0 ? { firstSyncHttpCalls: firstRequests } : {}),
    applyMs,
    applyUpdated: outcome.plan.counts.update,
    ...(applyRequests > 0 ? { applyHttpCalls: applyRequests } : {}),
    peakRssMb: peakRssMb(),
  };
}

// ---------------------------------------------------------------------------------------------
// Snapshot: an N-resource tenant, its branch holding only a README.

async function snapshot(kind: "local" | "github", options: Options): Promise<Figures> {
  const fill = async (store: Store) => {
    const start = performance.now();
    await store.transaction(async (tx) => {
      for (let i = 0; i < options.resources; i++) {
        const f = fixture(i);
        await tx.putResource("bench", { kind: f.kind, name: f.name, body: f.body, project: f.project, actor: ACTOR, outbox: false });
      }
    });
    return ms(start);
  };
  const readme = { "README.md": "# config\n" };
  let gh: GitHubForgeBench | null = null;
  let e: Engine & { provider: GitProvider };
  if (kind === "local") {
    e = await engine(localProvider, { provider: "local", repository: "bench" });
    await e.provider.commit({
      repository: "bench",
      branch: "main",
      expectedHead: "",
      message: "Initial",
      author: ACTOR,
      committer: ACTOR,
      changes: Object.entries(readme).map(([path, content]) => ({ action: "upsert" as const, path, content })),
    });
  } else {
    const forge = await githubForge();
    gh = forge;
    e = await engine(() => forge.provider, { provider: "github", repository: forge.repository });
    const head = await forge.seed(readme);
    const branch = snapshotBranchName("bench", NOW, 1);
    forge.persist({ op: "resolveRef", ref: "main", exists: true });
    forge.persist({ op: "readFiles", sha: head, path: "" });
    forge.persist({ op: "resolveRef", ref: branch, exists: false });
    forge.persist({ op: "createBranch", branch, sha: head });
    forge.persist({ op: "commit", branch, files: options.resources, outcome: "committed" });
    forge.persist({ op: "openPullRequest", head: branch, base: "main", existing: false });
  }
  try {
    const fillMs = await fill(e.store);
    global.gc?.();
    const rssBefore = mb(process.memoryUsage().rss);
    const peakBefore = peakRssMb();
    gh?.takeCount();
    const start = performance.now();
    const queued = await e.service.snapshots.start("bench", ACTOR);
    await e.service.idle();
    const snapshotMs = ms(start);
    const entry = await e.store.getSyncLog("bench", queued.id);
    if (entry?.status !== "done") throw new Error(`snapshot: ${JSON.stringify(entry).slice(0, 500)}`);
    return {
      resources: options.resources,
      fillStoreMs: fillMs,
      snapshotMs,
      files: entry.files.length,
      ...(gh ? { httpCalls: gh.takeCount() } : {}),
      rssBeforeMb: rssBefore,
      peakRssBeforeMb: peakBefore,
      peakRssMb: peakRssMb(),
    };
  } finally {
    gh?.done();
    await e.service.stop();
    await e.store.close();
    await rm(e.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// GitHub: the contract tests' in-memory forge behind nock. Its specs are registered persisted
// (the contract suite's are one-shot) and every answered request is counted; anything else
// fails, since the network is closed.

interface ForgeSpec {
  method: string;
  host?: string;
  path: string | RegExp;
  query?: Record<string, string> | ((query: Record<string, unknown>) => boolean);
  accept?: RegExp;
  reply: (uri: string, body: unknown) => unknown;
}

interface GitHubForgeBench {
  provider: GitProvider;
  repository: string;
  seed(files: Record<string, string>): Promise<string>;
  pushCommit(parent: string, files: Map<string, string>): string;
  persist(step: import("../test/contract/harness.js").ContractStep): void;
  takeCount(): number;
  done(): void;
}

async function githubForge(): Promise<GitHubForgeBench> {
  // Loaded only here: nock intercepts every HTTP request of the process once imported.
  const { default: nock } = await import("nock");
  const { GitHubHarness } = await import("../test/contract/github-harness.js");
  nock.disableNetConnect();
  const harness = new GitHubHarness();
  const forge = harness.forge;
  let count = 0;
  return {
    provider: harness.provider,
    repository: harness.repo.repository,
    seed: (files) => harness.seed(files),
    pushCommit(parent, files) {
      const tree = forge.putTree(new Map([...files].map(([path, content]) => [path, forge.putBlob(content)])));
      const commit = forge.putCommit({ tree, parents: [parent], message: "bench push", author: ACTOR, committer: ACTOR });
      forge.branches.set("main", commit.sha);
      return commit.sha;
    },
    persist(step) {
      const specs = (harness as unknown as { specsFor(s: typeof step): ForgeSpec[] }).specsFor(step);
      for (const spec of specs) {
        const scope = nock(spec.host ?? "https://api.github.com", spec.accept ? { reqheaders: { accept: spec.accept } } : {}).persist();
        let interceptor = scope.intercept(spec.path, spec.method);
        if (spec.query) interceptor = interceptor.query(spec.query);
        interceptor.reply(async (uri, body) => {
          count++;
          return (await spec.reply(uri, body)) as [number, string];
        });
      }
    },
    takeCount() {
      const c = count;
      count = 0;
      return c;
    },
    done() {
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Outbound through the real server: PUT a resource, time until the branch head moves.

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => execFile("git", args, { cwd }, (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout.trim()))));
}

/** The branch head read from the bare repository's ref file: what a clone would fetch. */
async function head(bare: string): Promise<string | null> {
  try {
    return (await readFile(join(bare, "refs", "heads", "main"), "utf8")).trim();
  } catch {
    return null;
  }
}

/**
 * Resolves when the branch head differs from `before`. Woken by the file system when the ref
 * folder exists (so waiting costs no CPU the server would miss), else by a 10 ms poll.
 */
async function headMoved(bare: string, before: string | null): Promise<void> {
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      let checking = false;
      const check = () => {
        if (checking) return;
        checking = true;
        head(bare).then((now) => {
          checking = false;
          if (now !== before) resolve();
        }, reject);
      };
      try {
        watcher = watch(join(bare, "refs", "heads"), check);
        timer = setInterval(check, 250);
      } catch {
        timer = setInterval(check, 10);
      }
      check();
    });
  } finally {
    (watcher as FSWatcher | null)?.close();
    if (timer) clearInterval(timer);
  }
}

/** Nearest-rank percentiles. */
function percentiles(values: number[]): (p: number) => number {
  const sorted = [...values].sort((a, b) => a - b);
  return (p) => Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN);
}

async function outbound(options: Options): Promise<Figures> {
  const { buildApp } = await import("../src/server/app.js");
  const { loadConfig } = await import("../src/server/config.js");
  const { pino } = await import("pino");
  const dataDir = await mkdtemp(join(tmpdir(), "gitsync-bench-outbound-"));
  const token = `gs_bench_${randomBytes(16).toString("hex")}`;
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", GITSYNC_DATA_DIR: dataDir, GITSYNC_ADMIN_TOKEN: token, GITSYNC_SECRET_KEY: "b".repeat(64), GITSYNC_DEMO: "false", LOG_LEVEL: "error" });
  const app = await buildApp(config, { logger: pino({ level: "error" }), print: () => undefined });
  const url = await app.listen();
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const latencies: number[] = [];
  const puts: number[] = [];
  try {
    const tenants = Array.from({ length: options.tenants }, (_, t) => `bench-${t}`);
    for (const slug of tenants) {
      await api("POST", "/api/v1/tenants", { slug, name: slug });
      const { hasToken: _omit, ...connection } = await api("GET", `/api/v1/tenants/${slug}/git`);
      await api("PUT", `/api/v1/tenants/${slug}/git`, { ...connection, debounceMs: options.debounce });
    }
    const perTenant = Math.ceil(options.writes / tenants.length);
    const start = performance.now();
    await Promise.all(
      tenants.map(async (slug, t) => {
        const bare = join(dataDir, "repos", `${slug}.git`);
        for (let w = 0; w < perTenant && t * perTenant + w < options.writes; w++) {
          const before = await head(bare);
          const name = `env-${w}`;
          const t0 = performance.now();
          const moved = headMoved(bare, before);
          const put = api("PUT", `/api/v1/tenants/${slug}/resources/python-environments/${name}`, { name, path: `envs/${name}`, pythonVersion: "3.11" });
          await put;
          puts.push(performance.now() - t0);
          await moved;
          latencies.push(performance.now() - t0);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
        }
      }),
    );
    const wallMs = ms(start);
    // Every isolated write made exactly one commit (the first also created the branch).
    let commits = 0;
    for (const slug of tenants) commits += Number(await git(["rev-list", "--count", "main"], join(dataDir, "repos", `${slug}.git`)));
    const pct = percentiles(latencies);
    const putPct = percentiles(puts);
    return {
      via: "real server API (buildApp, loopback), local provider",
      writes: latencies.length,
      tenants: tenants.length,
      debounceMs: options.debounce,
      commits,
      p50Ms: pct(50),
      p90Ms: pct(90),
      p99Ms: pct(99),
      maxMs: pct(100),
      apiWriteP50Ms: putPct(50),
      apiWriteP99Ms: putPct(99),
      overDebounceP50Ms: pct(50) - options.debounce,
      wallMs,
    };
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function childMain(scenario: Scenario, options: Options): Promise<void> {
  const figures =
    scenario === "outbound"
      ? await outbound(options)
      : scenario === "inbound-local"
        ? await inbound("local", options)
        : scenario === "inbound-github"
          ? await inbound("github", options)
          : scenario === "snapshot-local"
            ? await snapshot("local", options)
            : await snapshot("github", options);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (process.argv[1] === SELF && process.argv[2] === "--child") {
  await childMain(process.argv[3] as Scenario, JSON.parse(process.argv[4] ?? "{}") as Options);
}
