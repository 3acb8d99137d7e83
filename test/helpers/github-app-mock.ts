import { createRequire } from "node:module";
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import nock from "nock";
import installationFixture from "../../fixtures/github/api/installation.json" with { type: "json" };
import tokenFixture from "../../fixtures/github/api/installation-token.json" with { type: "json" };
import type { ForgeCheckRun } from "../contract/github-forge.js";
import type { GitHubHarness } from "../contract/github-harness.js";
import { testAppKey } from "./rsa-key.js";

/**
 * What a GitHub App test needs beyond the provider harness: the installation lookup and token
 * exchange Probot makes, check-run requests whose bodies are asserted inside the interceptor,
 * every request body kept (to prove a secret never leaves), and webhook payloads built from
 * @octokit/webhooks-examples with the forge's repository and shas put in.
 */

const API = "https://api.github.com";
export const OWNER = "acme";
export const NAME = "config";
const REPO = `/repos/${OWNER}/${NAME}`;
const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

type Body = Record<string, unknown>;
type Reply = [number, nock.Body, Record<string, string>];

/** The RSA key Probot signs its App JWTs with. */
export function appPrivateKey(): string {
  return testAppKey();
}

function parse(body: unknown): Body {
  if (typeof body === "string") return body === "" ? {} : (JSON.parse(body) as Body);
  return (body ?? {}) as Body;
}

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export class GitHubAppMock {
  /** Every request body this mock served, raw (writes only: the harness serves reads). */
  readonly bodies: string[] = [];
  /** Check runs in the order they were completed. */
  readonly completed: ForgeCheckRun[] = [];
  private readonly failures: unknown[] = [];
  private served = 0;

  constructor(
    private readonly h: GitHubHarness,
    readonly installationId: number = installationFixture.id,
  ) {}

  /** Requests served by this mock and by the harness. */
  requestCount(): number {
    return this.served + this.h.requestCount();
  }

  /** Throws the first assertion that failed inside an interceptor. */
  assertBodies(): void {
    if (this.failures.length > 0) throw this.failures[0];
  }

  private intercept(
    method: "GET" | "POST" | "PATCH",
    path: string | RegExp,
    reply: (uri: string, body: Body) => Reply | Promise<Reply>,
    options: { match?: (body: Body) => boolean; query?: (query: Body) => boolean; reqheaders?: Record<string, RegExp> } = {},
  ): void {
    const scope = nock(API, options.reqheaders ? { reqheaders: options.reqheaders } : {});
    let interceptor = method === "GET" ? scope.get(path) : scope.intercept(path, method, options.match ? (b: Body) => options.match!(b) : undefined);
    if (options.query) interceptor = interceptor.query(options.query);
    interceptor.reply(async (uri, raw) => {
      this.served++;
      if (method !== "GET") this.bodies.push(typeof raw === "string" ? raw : JSON.stringify(raw));
      try {
        return await reply(uri, parse(raw));
      } catch (error) {
        this.failures.push(error);
        return [422, { message: "test assertion failed: see the test output" }, JSON_TYPE];
      }
    });
  }

  /** Probot finds the installation with an App JWT, then exchanges it for a token. */
  installation(): void {
    this.intercept("GET", `${REPO}/installation`, () => [200, { ...installationFixture, id: this.installationId }, JSON_TYPE], {
      reqheaders: { authorization: /^bearer [\w-]+\.[\w-]+\.[\w-]+$/i },
    });
    this.intercept("POST", `/app/installations/${this.installationId}/access_tokens`, () => [201, tokenFixture, JSON_TYPE]);
  }

  /** gitsync looks for its running check on the commit. */
  listChecks(sha: string): void {
    this.intercept(
      "GET",
      `${REPO}/commits/${sha}/check-runs`,
      (uri) => {
        const name = new URL(uri, API).searchParams.get("check_name");
        const runs = this.h.forge.checkRuns.filter((c) => c.sha === sha && c.name === name).reverse();
        return [200, this.h.replies.checkRunList(runs), JSON_TYPE];
      },
      { query: (q) => typeof q.check_name === "string" && q.filter === "latest" && q.per_page === "100" },
    );
  }

  /** A new check run on `sha`; `hold` keeps the answer back, `arrived` says it was asked. */
  createCheck(sha: string, assert: (body: Body) => void, options: { hold?: Promise<void> } = {}): { arrived: Promise<void> } {
    const arrived = deferred();
    this.intercept(
      "POST",
      `${REPO}/check-runs`,
      async (_uri, body) => {
        arrived.resolve();
        assert(body);
        await options.hold;
        const run: ForgeCheckRun = { id: this.h.forge.id(), sha, name: String(body.name), status: String(body.status ?? "queued"), conclusion: null, title: null, summary: null, annotations: [] };
        this.apply(run, body);
        this.h.forge.checkRuns.push(run);
        return [201, this.h.replies.checkRun(run), JSON_TYPE];
      },
      { match: (body) => body.head_sha === sha },
    );
    return { arrived: arrived.promise };
  }

  /** The next update of a check run; `served` resolves once it is applied. */
  updateCheck(assert: (body: Body, run: ForgeCheckRun) => void): { served: Promise<void> } {
    const served = deferred();
    this.intercept("PATCH", new RegExp(`^${REPO}/check-runs/(\\d+)$`), (uri, body) => {
      const run = this.h.forge.checkRuns.find((c) => c.id === Number(/(\d+)$/.exec(uri)?.[1]));
      if (!run) throw new Error(`no check run at ${uri}`);
      assert(body, run);
      this.apply(run, body);
      served.resolve();
      return [200, this.h.replies.checkRun(run), JSON_TYPE];
    });
    return { served: served.promise };
  }

  /** GitHub's own limits, enforced as the API does, then the model updated. */
  private apply(run: ForgeCheckRun, body: Body): void {
    const output = (body.output ?? {}) as Body;
    const annotations = (output.annotations as unknown[] | undefined) ?? [];
    if (annotations.length > 50) throw new Error(`${annotations.length} annotations in one request: GitHub accepts 50`);
    if (typeof output.summary === "string" && output.summary.length > 65_535) throw new Error(`summary of ${output.summary.length} characters: GitHub accepts 65,535`);
    if (typeof output.title === "string") run.title = output.title;
    if (typeof output.summary === "string") run.summary = output.summary;
    run.annotations.push(...annotations);
    if (typeof body.status === "string") run.status = body.status;
    if (typeof body.conclusion === "string") {
      run.conclusion = body.conclusion;
      run.status = "completed";
    }
    if (run.status === "completed") this.completed.push(run);
  }
}

// The examples package's main file is JSON; require keeps it out of ESM's JSON-module rules.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];

function example(name: string, action: string): Body {
  const found = examples.find((d) => d.name === name)?.examples.find((e) => (e as { action?: string }).action === action);
  if (!found) throw new Error(`no ${name}.${action} example`);
  return structuredClone(found) as unknown as Body;
}

function repository(template: Body, fullName: string): Body {
  const [owner = OWNER, name = NAME] = fullName.split("/");
  return { ...template, name, full_name: fullName, owner: { ...(template.owner as Body), login: owner } };
}

export interface PullTarget {
  number: number;
  head: string;
  headSha: string;
  base: string;
  baseSha: string;
  repository?: string;
}

/** The official pull_request example with the forge's branches and shas. */
export function pullRequestPayload(action: "opened" | "synchronize" | "reopened", pr: PullTarget, installationId: number): Body {
  const payload = example("pull_request", action);
  const repo = repository(payload.repository as Body, pr.repository ?? `${OWNER}/${NAME}`);
  const template = payload.pull_request as Body;
  return {
    ...payload,
    number: pr.number,
    repository: repo,
    installation: { ...(payload.installation as Body), id: installationId },
    pull_request: {
      ...template,
      number: pr.number,
      head: { ...(template.head as Body), ref: pr.head, sha: pr.headSha, repo },
      base: { ...(template.base as Body), ref: pr.base, sha: pr.baseSha, repo },
    },
  };
}

/** The official check_run.rerequested example, for a check on the pull request's head. */
/** GitHub's official check_suite.rerequested example ("Re-run all checks"), aimed at `pr`. */
export function checkSuiteRerequestedPayload(pr: PullTarget, installationId: number): Body {
  const payload = example("check_suite", "rerequested");
  const repo = repository(payload.repository as Body, pr.repository ?? `${OWNER}/${NAME}`);
  const suite = payload.check_suite as Body;
  const ref = (branch: string, sha: string) => ({ ref: branch, sha, repo: { id: repo.id, url: repo.url, name: repo.name } });
  return {
    ...payload,
    repository: repo,
    installation: { ...(payload.installation as Body), id: installationId },
    check_suite: {
      ...suite,
      head_sha: pr.headSha,
      head_branch: pr.head,
      pull_requests: [{ url: `${API}${REPO}/pulls/${pr.number}`, id: 10_000 + pr.number, number: pr.number, head: ref(pr.head, pr.headSha), base: ref(pr.base, pr.baseSha) }],
    },
  };
}

export function checkRunRerequestedPayload(checkName: string, pr: PullTarget, installationId: number): Body {
  const payload = example("check_run", "rerequested");
  const repo = repository(payload.repository as Body, pr.repository ?? `${OWNER}/${NAME}`);
  const run = payload.check_run as Body;
  const ref = (branch: string, sha: string) => ({ ref: branch, sha, repo: { id: repo.id, url: repo.url, name: repo.name } });
  return {
    ...payload,
    repository: repo,
    installation: { ...(payload.installation as Body), id: installationId },
    check_run: {
      ...run,
      name: checkName,
      head_sha: pr.headSha,
      pull_requests: [{ url: `${API}${REPO}/pulls/${pr.number}`, id: 10_000 + pr.number, number: pr.number, head: ref(pr.head, pr.headSha), base: ref(pr.base, pr.baseSha) }],
    },
  };
}
