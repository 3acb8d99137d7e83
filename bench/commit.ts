import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import type { FileChange, LocalReviewStore } from "../src/core/index.js";
import { LocalProvider } from "../src/providers/local/index.js";

/**
 * `npm run bench -- commit [--files N] [--runs R]`: N files (default 10,000) of realistic YAML
 * across the config folders, committed through LocalProvider (plumbing, no working tree) vs
 * `git add -A && git commit` of the same files in an ordinary clone. Target: the provider at
 * least 1.5x faster. Peak memory: the bench process's own peak RSS for the provider (it holds
 * every file's content) and the git process's peak for the CLI, sampled from /proc.
 */

const AUTHOR = { name: "Bench", email: "bench@example.com" };
const ENV = { ...process.env, GIT_AUTHOR_NAME: AUTHOR.name, GIT_AUTHOR_EMAIL: AUTHOR.email, GIT_COMMITTER_NAME: AUTHOR.name, GIT_COMMITTER_EMAIL: AUTHOR.email };

/** The provider's pull requests are not exercised here; any use is a bench bug. */
const noReviews = new Proxy({} as LocalReviewStore, {
  get() {
    throw new Error("the commit benchmark does not use pull requests");
  },
});

function file(i: number): { path: string; content: string } {
  const n = String(i).padStart(5, "0");
  switch (i % 5) {
    case 0:
      return {
        path: `config/models/orders-${n}.yaml`,
        content: `name: orders-${n}\nsource: warehouse\ntype: raw_sql\ndbtModel: null\nrawSql: |\n  select o.id, o.customer_id, o.total, o.created_at\n  from sales.orders o\n  where o.region = 'eu-${i % 7}'\nisSchema: false\nprimaryKey: id\nproject: analytics\n`,
      };
    case 1:
      return {
        path: `config/syncs/orders-${n}-to-crm.yaml`,
        content: `model: orders-${n}\ndestination: crm\nconfig:\n  object: Order\n  mode: upsert\n  mappings:\n    - from: id\n      to: ExternalId__c\n    - from: total\n      to: Amount__c\nschedule:\n  type: cron\n  expression: "${i % 60} * * * *"\nschedulePaused: false\nproject: analytics\n`,
      };
    case 2:
      return {
        path: `config/jobs/load-${n}.yaml`,
        content: `name: load-${n}\nproject: ingest\ndescription: Nightly load ${n}\nenabled: true\nschedule: "0 ${i % 24} * * *"\ndependsOn: []\ntasks:\n  - name: copy\n    type: copy\n    sourceConnection: lake\n    targetConnection: warehouse\n    fileDefinition: csv-${i % 10}\n    tables:\n      - name: t_${n}\n        columns:\n          - { name: id, type: bigint, key: true }\n          - { name: payload, type: text }\n        configuration: {}\n`,
      };
    case 3:
      return {
        path: `config/file-definitions/csv-${n}.yaml`,
        content: `name: csv-${n}\ntype: csv\nfilePath: /landing/${n}/\nextension: csv\ndelimiter: ","\nhasHeader: true\nencoding: utf-8\n`,
      };
    default:
      return {
        path: `config/python-environments/env-${n}.yaml`,
        content: `name: env-${n}\npath: envs/env-${n}\npythonVersion: "3.11"\npackages:\n  - pandas==2.2.2\n  - pyarrow==16.1.0\n`,
      };
  }
}

function git(args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, env: ENV, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout.trim())));
  });
}

/** Runs a command and samples its peak resident memory (VmHWM) until it exits. */
function tracked(args: string[], cwd: string): Promise<{ peakKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env: ENV, stdio: "ignore" });
    let peakKb = 0;
    const sample = () => {
      try {
        const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // Gone already, or no /proc on this system: the figure is then a lower bound.
      }
    };
    const timer = setInterval(sample, 2);
    child.on("exit", (code) => {
      clearInterval(timer);
      if (code === 0) resolve({ peakKb });
      else reject(new Error(`git ${args[0] ?? ""} exited with ${code}`));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

async function once(count: number, run: number): Promise<{ provider: number; cli: number; cliWrite: number; cliPeakKb: number }> {
  const root = await mkdtemp(join(tmpdir(), "gitsync-bench-commit-"));
  try {
    const files = Array.from({ length: count }, (_, i) => file(i + run * count));
    const provider = new LocalProvider({ root: join(root, "repos"), reviews: noReviews });
    const repo = { repository: "bench" };
    const { sha: base } = await provider.commit({
      ...repo,
      branch: "main",
      expectedHead: "",
      message: "Initial",
      author: AUTHOR,
      committer: AUTHOR,
      changes: [{ action: "upsert", path: "README.md", content: "# config\n" }],
    });
    const bare = provider.repositoryPath("bench");

    // The ordinary clone starts from the same commit; its files are written before timing.
    const work = join(root, "work");
    await git(["clone", "--quiet", bare, work]);
    const writeStart = performance.now();
    for (const f of files) {
      const target = join(work, f.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, f.content);
    }
    const written = performance.now() - writeStart;

    const changes: FileChange[] = files.map((f) => ({ action: "upsert", path: f.path, content: f.content }));
    const t0 = performance.now();
    const { sha } = await provider.commit({ ...repo, branch: "main", expectedHead: base as string, message: "Sync", author: AUTHOR, committer: AUTHOR, changes });
    const providerMs = performance.now() - t0;
    if (!sha) throw new Error("the provider made no commit");

    const t1 = performance.now();
    const add = await tracked(["add", "-A"], work);
    const commit = await tracked(["commit", "--quiet", "--no-verify", "-m", "Sync"], work);
    const cliMs = performance.now() - t1;

    // Both must have produced the same tree, or the comparison means nothing.
    const [ours, theirs] = await Promise.all([git(["--git-dir", bare, "rev-parse", `${sha}^{tree}`]), git(["rev-parse", "HEAD^{tree}"], work)]);
    if (ours !== theirs) throw new Error(`trees differ: provider ${ours}, git CLI ${theirs}`);
    return { provider: providerMs, cli: cliMs, cliWrite: cliMs + written, cliPeakKb: Math.max(add.peakKb, commit.peakKb) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const count = option(args, "--files", 10_000);
  const runs = option(args, "--runs", 3);
  const results = [];
  for (let r = 0; r < runs; r++) {
    const result = await once(count, r);
    results.push(result);
    console.log(`run ${r + 1}: provider ${result.provider.toFixed(0)} ms, git add -A && git commit ${result.cli.toFixed(0)} ms`);
  }
  const provider = median(results.map((r) => r.provider));
  const cli = median(results.map((r) => r.cli));
  const cliWrite = median(results.map((r) => r.cliWrite));
  const peakSelfKb = process.resourceUsage().maxRSS;
  const cliPeakKb = Math.max(...results.map((r) => r.cliPeakKb));
  console.log(`files: ${count} (median of ${runs} runs; identical trees checked)`);
  console.log(`local provider commit:           ${provider.toFixed(0)} ms`);
  console.log(`git add -A && git commit:        ${cli.toFixed(0)} ms (${cliWrite.toFixed(0)} ms with writing the working tree)`);
  console.log(`ratio (git CLI / provider):      ${(cli / provider).toFixed(2)}x (target >= 1.5x) ${cli / provider >= 1.5 ? "OK" : "BELOW TARGET"}`);
  console.log(`peak RSS: bench process ${mb(peakSelfKb)} (holds all contents); git add/commit ${cliPeakKb > 0 ? mb(cliPeakKb) : "n/a"}`);
}
