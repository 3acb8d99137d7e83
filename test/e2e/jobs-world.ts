import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { sign } from "../../src/providers/local/webhook.js";
import { callBuilt, type BuiltServer } from "./built-server.js";
import { ADA } from "./git.js";

/** What the durable-jobs end-to-end tests share: a tenant on the local provider, pushes, signed webhooks. */

export const HOOK_SECRET = "e2e-local-hook-secret-0123456789";
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Server = Pick<BuiltServer, "url" | "token">;

export async function createTenant(server: Server, slug: string): Promise<void> {
  expect((await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug, name: slug } })).status).toBe(201);
  const connection = await callBuilt(server, "POST", `/api/v1/tenants/${slug}/connections`, { body: { name: "warehouse", type: "postgres" } });
  expect(connection.status).toBe(201);
}

function git(cwd: string, args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, ...ADA, GIT_TERMINAL_PROMPT: "0" }, maxBuffer: 64 * 1024 * 1024 }).trim();
}

export function modelYaml(name: string, key = "id"): string {
  return `name: ${name}\nsource: warehouse\ntype: table\ndbtModel: null\nrawSql: null\ntableName: analytics.${name.replace(/-/g, "_")}\nisSchema: false\nprimaryKey: ${key}\n`;
}

/** A working copy of the tenant's bare repository. */
export function cloneTenant(dataDir: string, slug: string): string {
  const dir = mkdtempSync(join(tmpdir(), "gitsync-e2e-jobs-clone-"));
  execFileSync("git", ["clone", "-q", join(dataDir, "repos", `${slug}.git`), dir], { env: { ...process.env, ...ADA } });
  return dir;
}

/**
 * Commits `files` and pushes them with the bare repository's post-receive hook set aside, so
 * the test itself says when the server hears of it (as the hook would, without waiting).
 */
export function pushQuietly(
  clone: string,
  files: Record<string, string>,
  message: string,
  bare: string,
  options: { commit?: boolean } = {},
): { before: string; after: string } {
  const before = git(clone, ["rev-parse", "HEAD"]);
  if (options.commit !== false) {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(clone, path, ".."), { recursive: true });
      writeFileSync(join(clone, path), content);
    }
    git(clone, ["add", "-A"]);
    git(clone, ["commit", "-q", "-m", message]);
  }
  const hook = join(bare, "hooks", "post-receive");
  renameSync(hook, `${hook}.off`);
  try {
    git(clone, ["push", "-q", "origin", "HEAD:main"]);
  } finally {
    renameSync(`${hook}.off`, hook);
  }
  return { before, after: git(clone, ["rev-parse", "HEAD"]) };
}

/** The local post-receive hook's delivery, signed as the hook signs it (without waiting for the result). */
export async function postLocalWebhook(server: Server, slug: string, update: { before: string; after: string }, delivery = randomUUID(), options: { wait?: boolean } = {}) {
  const raw = JSON.stringify({ repository: slug, updates: [{ ...update, ref: "refs/heads/main" }] });
  // `wait`: as the post-receive hook sends it, answered once the push is applied in the request.
  const waiting: Record<string, string> = options.wait ? { "x-gitsync-wait": "1" } : {};
  const send = () =>
    callBuilt(server, "POST", "/webhooks/local", {
      raw,
      token: null,
      headers: { "content-type": "application/json", "x-gitsync-signature": sign(HOOK_SECRET, raw), "x-gitsync-delivery": delivery, ...waiting },
    });
  // A kept-alive connection the server closed while idle fails the first write; a sender
  // delivers again, with the same delivery id.
  return send().catch(send);
}

/** Polls `probe` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** The tenant's inbound sync-log entry for a commit, once there is one. */
export async function inboundEntry(server: Server, slug: string, sha: string): Promise<any> {
  const log = await callBuilt(server, "GET", `/api/v1/tenants/${slug}/log?limit=50`);
  return (log.body?.items as any[] | undefined)?.find((e) => e.direction === "INBOUND" && e.commitSha === sha);
}
