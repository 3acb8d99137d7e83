import { afterEach, beforeEach, vi } from "vitest";
import type { Actor, GitConnection, GitProvider, WebhookRequest } from "../../src/core/index.js";
import type { ContractStep } from "../contract/harness.js";
import { useStrictHttpMock } from "./http-mock.js";
import { ada, makeSyncWorld, orders, yamlOf, type SyncWorld } from "./sync-world.js";

/**
 * What the GitLab and Bitbucket end-to-end tests share on top of the sync world: the forge
 * adapter each provider's in-memory forge implements, a fetch recorder that sees every request
 * body the providers send, and the scenario every test starts from (a tenant in step with a
 * seeded branch).
 */

/** The token the test tenant's git connection keeps in the store: it must never be sent. */
export const TENANT_GIT_TOKEN = "token-kept-in-the-store";

/** A change to the forge's branch: path → new content, or null to delete. */
export type FileEdits = Record<string, string | null>;

/**
 * The forge side of a scenario, provider by provider: mutations a person would make on the
 * web (push, merge), the webhooks the forge would send for them, and read-only observers.
 */
export interface ForgeAdapter {
  readonly name: "gitlab" | "bitbucket";
  readonly repository: string;
  readonly provider: GitProvider;
  /** Registers the one-shot interceptors one provider operation makes (the contract harness). */
  expect(step: ContractStep): void;
  seed(files: Record<string, string>): Promise<string>;
  /** A person's commit on `branch` (created from `main` when new); returns its sha. */
  push(branch: string, edits: FileEdits, author: Actor, message: string): string;
  /** Merges a pull request as the forge does (a merge commit on the base); returns its sha. */
  merge(number: number): string;
  pushWebhook(input: { branch: string; before: string; after: string; pusher: Actor; validSignature?: boolean }): WebhookRequest;
  head(branch: string): string | null;
  files(sha: string): Record<string, string>;
  /** `Name <email>` of the commit's author, its message and parents. */
  commitInfo(sha: string): { author: string; message: string; parents: string[] };
  pulls(): { number: number; title: string; body: string; head: string; base: string; state: string }[];
  /** The latest `gitsync` status on a commit, in the port's words. */
  checkState(sha: string): "running" | "success" | "failure" | null;
  /** Line annotations the forge holds for a commit (GitLab statuses have none). */
  annotations(sha: string): { path: string; line: number; summary: string }[];
}

export interface RecordedRequest {
  method: string;
  url: URL;
  body: string | null;
}

/**
 * Records every request the providers send (method, URL, body) by wrapping the global fetch
 * that nock intercepts; `hold` lets a test run something while one request is in flight.
 */
export class FetchRecorder {
  readonly requests: RecordedRequest[] = [];
  #holds: { match: (r: RecordedRequest) => boolean; run: () => Promise<unknown> }[] = [];

  install(): void {
    const inner = globalThis.fetch;
    const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
      const body = init?.body === undefined || init.body === null ? null : bodyText(init.body);
      const recorded = { method, url, body };
      this.requests.push(recorded);
      const hold = this.#holds.findIndex((h) => h.match(recorded));
      if (hold >= 0) {
        const [held] = this.#holds.splice(hold, 1);
        await held?.run();
      }
      return inner(input, init);
    };
    vi.stubGlobal("fetch", wrapped);
  }

  uninstall(): void {
    vi.unstubAllGlobals();
  }

  /** Before the first request matching `match` goes out, runs `run` to completion. */
  hold(match: (r: RecordedRequest) => boolean, run: () => Promise<unknown>): void {
    this.#holds.push({ match, run });
  }

  mark(): number {
    return this.requests.length;
  }

  since(mark: number): RecordedRequest[] {
    return this.requests.slice(mark);
  }

  /** Every body and URL sent so far, for "the secret appears nowhere" assertions. */
  everything(): string {
    return this.requests.map((r) => `${r.method} ${r.url.href}\n${r.body ?? ""}`).join("\n");
  }
}

function bodyText(body: NonNullable<RequestInit["body"]>): string {
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return Buffer.from(body as ArrayBuffer).toString("utf8");
  return String(body);
}

/** Parses a JSON or url-encoded request body; everything else comes back as text. */
export function parseBody(request: RecordedRequest): unknown {
  if (request.body === null) return null;
  try {
    return JSON.parse(request.body);
  } catch {
    return Object.fromEntries(new URLSearchParams(request.body));
  }
}

/**
 * A tenant tracking `repository`'s `main` on the provider, with the two connections the
 * resources refer to, already in step with `synced` (the commit it last applied).
 */
export async function connectTenant(
  world: Pick<SyncWorld, "store">,
  input: { slug: string; provider: "gitlab" | "bitbucket"; repository: string; branch?: string; synced: string | null; outbound?: "direct" | "pull-request" },
): Promise<GitConnection> {
  await world.store.createTenant({ slug: input.slug, name: input.slug });
  const git: GitConnection = {
    provider: input.provider,
    repository: input.repository,
    branch: input.branch ?? "main",
    path: "",
    format: "yaml",
    outbound: input.outbound ?? "direct",
    debounceMs: 5,
    deletions: "archive",
    baseUrl: null,
  };
  await world.store.putGitConnection(input.slug, git, TENANT_GIT_TOKEN);
  for (const name of ["warehouse", "hubspot"]) await world.store.putConnection(input.slug, { name, type: "postgres" });
  if (input.synced !== null) await world.store.putSyncState(input.slug, { lastAppliedSha: input.synced });
  return git;
}

/** The three paths a resource may have in git, as the outbound worker looks for them. */
export function candidatePaths(folder: string, name: string): string[] {
  return [`${folder}/${name}.yaml`, `${folder}/${name}.yml`, `${folder}/${name}.json`];
}

/** Prints how many provider requests a scenario made (the counts quoted in the docs). */
export function reportCount(provider: string, scenario: string, count: number): void {
  console.log(`[${provider}] ${scenario}: ${count} request(s)`);
}

/** What `useForgeScenario` hands a test: valid inside a test and its hooks, fresh for each test. */
export interface ForgeScenario<F extends ForgeAdapter> {
  readonly recorder: FetchRecorder;
  readonly forge: F;
  readonly world: SyncWorld;
  /** The commit the tenant is in step with: README.md and models/orders.yaml. */
  readonly seed: string;
  /** Where the requests of the step under test start in the recorder (tests move it on). */
  mark: number;
}

/**
 * Strict nock plus, before each test, a fresh forge and world: the branch seeded with the
 * orders model, tenant `acme` tracking it in step (as after its first resync) and holding the
 * model, and the recorder's mark after all that set-up.
 */
export function useForgeScenario<F extends ForgeAdapter>(makeForge: () => F): ForgeScenario<F> {
  useStrictHttpMock();
  const recorder = new FetchRecorder();
  let current: { forge: F; world: SyncWorld; seed: string } | undefined;
  const now = () => {
    if (current === undefined) throw new Error("the forge scenario exists only inside a test");
    return current;
  };
  const scenario: ForgeScenario<F> = {
    recorder,
    get forge() {
      return now().forge;
    },
    get world() {
      return now().world;
    },
    get seed() {
      return now().seed;
    },
    mark: 0,
  };

  beforeEach(async () => {
    recorder.install();
    // Built after the recorder is installed: the provider's client keeps the fetch it was given.
    const forge = makeForge();
    const world = await makeSyncWorld(forge.provider);
    const seed = await forge.seed({ "README.md": "# Configuration\n", "models/orders.yaml": yamlOf(world, "model", orders) });
    await connectTenant(world, { slug: "acme", provider: forge.name, repository: forge.repository, synced: seed });
    await world.store.putResource("acme", { kind: "model", name: "orders", body: orders, project: "sales", actor: ada, outbox: false });
    current = { forge, world, seed };
    scenario.mark = recorder.mark();
  });
  afterEach(async () => {
    await current?.world.close();
    current = undefined;
    recorder.uninstall();
  });
  return scenario;
}
