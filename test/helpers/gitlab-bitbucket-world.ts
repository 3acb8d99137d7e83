import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import { Catalog } from "../../src/catalog/catalog.js";
import { serializeResource } from "../../src/catalog/serialize.js";
import type { Actor, GitConnection, GitProvider, JsonObject, Store, WebhookRequest } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import type { SyncDeps } from "../../src/sync/deps.js";
import { SyncService } from "../../src/sync/service.js";
import type { ContractStep } from "../contract/harness.js";

/**
 * What the GitLab and Bitbucket end-to-end tests share: a SyncService over a real SQLite store
 * in a temporary folder whose provider talks (through strict nock) to an in-memory forge, a
 * fetch recorder that sees every request body the providers send, and a store wrapper that
 * simulates a crash between a commit and the outbox bookkeeping.
 */

export const ada: Actor = { name: "Ada Lovelace", email: "ada@example.com" };
export const bob: Actor = { name: "Bob Builder", email: "bob@example.com" };
const silent = { info() {}, warn() {}, error() {} };

export const orders: JsonObject = {
  name: "orders",
  source: "warehouse",
  type: "table",
  dbtModel: null,
  tableName: "analytics.orders",
  isSchema: false,
  primaryKey: "order_id",
  project: "sales",
};
export const leads: JsonObject = { ...orders, name: "leads", tableName: "crm.leads", project: "marketing" };

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
 * A Store whose next `transaction` after `arm()` fails without running, as if the process died
 * after the provider's commit and before the outbox rows were settled.
 */
export function crashingStore(store: Store): { store: Store; arm(): void; crashed(): boolean } {
  let armed = false;
  let crashed = false;
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "transaction") {
        return async <T>(fn: (tx: Store) => Promise<T>): Promise<T> => {
          if (armed) {
            armed = false;
            crashed = true;
            throw new Error("simulated crash between the commit and the outbox update");
          }
          return target.transaction(fn);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, arm: () => void (armed = true), crashed: () => crashed };
}

export interface SyncWorld {
  dir: string;
  store: Store;
  catalog: Catalog;
  service: SyncService;
  /** A fresh SyncService over the same store and provider (a restarted server). */
  restart(store?: Store): Promise<SyncService>;
  close(): Promise<void>;
}

export async function makeSyncWorld(provider: GitProvider): Promise<SyncWorld> {
  const dir = await mkdtemp(join(tmpdir(), `gitsync-${provider.name}-flows-`));
  const store = await openStore({ dataDir: join(dir, "data"), secretKey: randomBytes(32) });
  const catalog = await Catalog.load();
  const deps = (s: Store): SyncDeps => ({
    store: s,
    catalog,
    providers: async () => provider,
    log: silent,
    now: () => new Date("2026-11-23T12:00:00Z"),
    committer: { name: "gitsync", email: "gitsync@example.com" },
  });
  const services: SyncService[] = [new SyncService(deps(store))];
  const world: SyncWorld = {
    dir,
    store,
    catalog,
    service: services[0] as SyncService,
    async restart(s = store) {
      const next = new SyncService(deps(s));
      services.push(next);
      world.service = next;
      await next.start();
      return next;
    },
    async close() {
      for (const s of services) await s.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/**
 * A tenant tracking `repository`'s `main` on the provider, with the two connections the
 * resources refer to, already in step with `synced` (the commit it last applied).
 */
export async function connectTenant(
  world: SyncWorld,
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
  await world.store.putGitConnection(input.slug, git, "token-kept-in-the-store");
  for (const name of ["warehouse", "hubspot"]) await world.store.putConnection(input.slug, { name, type: "postgres" });
  if (input.synced !== null) await world.store.putSyncState(input.slug, { lastAppliedSha: input.synced });
  return git;
}

export function yamlOf(world: SyncWorld, kind: string, body: JsonObject): string {
  return serializeResource(world.catalog, kind, body, "yaml");
}

/** An API write: the resource and its outbox row in one transaction, then the worker is told. */
export async function apiEdit(world: SyncWorld, tenant: string, kind: string, body: JsonObject, actor: Actor): Promise<void> {
  await recordEdit(world, tenant, kind, body, actor);
  await world.service.changed(tenant);
}

/** The write alone (several writes can then share one debounce window deterministically). */
export async function recordEdit(world: SyncWorld, tenant: string, kind: string, body: JsonObject, actor: Actor): Promise<void> {
  await world.store.putResource(tenant, {
    kind,
    name: String(body["name"]),
    body,
    project: typeof body["project"] === "string" ? body["project"] : null,
    actor,
    outbox: true,
  });
}

/** The three paths a resource may have in git, as the outbound worker looks for them. */
export function candidatePaths(folder: string, name: string): string[] {
  return [`${folder}/${name}.yaml`, `${folder}/${name}.yml`, `${folder}/${name}.json`];
}

/** Prints how many provider requests a scenario made (the counts quoted in the docs). */
export function reportCount(provider: string, scenario: string, count: number): void {
  console.log(`[${provider}] ${scenario}: ${count} request(s)`);
}
