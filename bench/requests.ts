import type { ContractHarness } from "../test/contract/harness.js";
import { measure, OPERATIONS, type Session } from "./requests-operations.js";

/**
 * `npm run bench -- requests [--resources N]`: HTTP requests per operation and hosted provider
 * (the local provider makes none). Each operation is the sequence of port calls the engine
 * makes for it, run against the contract suite's in-memory forges behind strict nock: a request
 * no step announced, an announced one never made, or an exchange the vendor's API description
 * does not allow stops the benchmark. Counts are exact, so one run is enough.
 *
 * Targets: a commit in at most 5 requests whatever its size; a PR check in at most 6 plus one
 * per 50 annotations (GitHub) or per 100 (Bitbucket; GitLab sends none: they go in its note).
 */

const PROVIDERS: Record<string, () => Promise<ContractHarness>> = {
  github: async () => new (await import("../test/contract/github-harness.js")).GitHubHarness(),
  gitlab: async () => (await import("../test/contract/gitlab-harness.js")).createGitLabHarness(),
  bitbucket: async () => (await import("../test/contract/bitbucket-harness.js")).createBitbucketHarness(),
};

const PER_ANNOTATION_BATCH: Record<string, number | null> = { github: 50, gitlab: null, bitbucket: 100 };

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

/** Requests per port call of every measured operation, printed after the table. */
const breakdown: string[] = [];

async function measureOne(name: string, resources: number): Promise<number[]> {
  // Loaded here: nock intercepts every HTTP request of the process once imported.
  const { default: nock } = await import("nock");
  const { createStrictHttpMock } = await import("../test/helpers/strict-http-session.js");
  const session = createStrictHttpMock();
  nock.disableNetConnect();
  const h = await (PROVIDERS[name] as () => Promise<ContractHarness>)();
  const s: Session = {
    h,
    async count(calls) {
      session.start();
      const before = h.requestCount();
      const each: string[] = [];
      for (const [step, call] of calls) {
        const at = h.requestCount();
        h.expect(step);
        await call();
        each.push(`${step.op} ${h.requestCount() - at}`);
      }
      const problems = session.finish();
      if (problems.length > 0) throw new Error(`${name}: ${problems.join("\n")}`);
      breakdown.push(`${name}: ${each.join(", ")}`);
      return h.requestCount() - before;
    },
  };
  try {
    return await measure(s, resources);
  } finally {
    await h.cleanup();
    nock.cleanAll();
    nock.enableNetConnect();
  }
}

function targetOf(operation: number, provider: string): string {
  if (operation <= 1) return "≤ 5";
  if (operation === 4 || operation === 5) {
    const batch = PER_ANNOTATION_BATCH[provider];
    const annotations = operation === 4 ? 3 : 120;
    return batch === null || batch === undefined ? "≤ 6" : `≤ ${6 + Math.ceil(annotations / batch)}`;
  }
  return "";
}

export async function run(args: string[]): Promise<void> {
  const resources = option(args, "resources", 10_000);
  const counts: Record<string, number[]> = {};
  for (const name of Object.keys(PROVIDERS)) counts[name] = await measureOne(name, resources);
  const names = Object.keys(counts);
  console.log(`| operation | local | ${names.join(" | ")} |`);
  console.log(`| --- | --- | ${names.map(() => "---").join(" | ")} |`);
  OPERATIONS.forEach((operation, i) => {
    const cells = names.map((n) => {
      const target = targetOf(i, n);
      return `${counts[n]?.[i]}${target ? ` (${target})` : ""}`;
    });
    console.log(`| ${operation} | 0 | ${cells.join(" | ")} |`);
  });
  const missed = names.flatMap((n) =>
    OPERATIONS.flatMap((op, i) => {
      const target = targetOf(i, n);
      return target && (counts[n]?.[i] ?? 0) > Number(target.replace(/\D/g, "")) ? [`${n}: ${op}`] : [];
    }),
  );
  console.log(`\nper port call:\n${breakdown.join("\n")}\n`);
  console.log(missed.length === 0 ? "every target met" : `targets missed: ${missed.join("; ")}`);
}
