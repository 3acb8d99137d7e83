/**
 * The hooks gitsync installs in a local bare repository, run by git through a small sh wrapper
 * as `node run.js post-receive|pre-receive` (Node is always there: it runs gitsync). They read the
 * server's URL and secret from a 0600 file in the repository, sign each request with
 * HMAC-SHA256 and print the server's answer, which git shows to the pusher as `remote:` lines.
 * It loads only Node's own modules, so a push never waits for the server's dependencies; it asks
 * with node:http rather than fetch, whose client costs more to load than the rest of the hook.
 */
import { createHmac, randomUUID } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { fileURLToPath } from "node:url";
import { HOOK_CONFIG_FILE, HOOK_LOG_FILE } from "./files.js";

interface HookConfig {
  repository: string;
  url: string;
  secret: string;
  timeoutMs: number;
}

interface Update {
  before: string;
  after: string;
  ref: string;
}

interface Answer {
  lines?: unknown;
  accepted?: unknown;
}

const gitDir = process.env["GIT_DIR"] || ".";
const say = (message: string): void => void process.stderr.write(`gitsync: ${message}\n`);

function log(message: string): void {
  say(message);
  try {
    appendFileSync(`${gitDir}/${HOOK_LOG_FILE}`, `${new Date().toISOString()} ${message}\n`);
  } catch {
    // The log is a convenience: the pusher has already seen the message.
  }
}

/** Origin and path only: a URL's user info or query must not reach a log. */
function target(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return "(bad url)";
  }
}

const readConfig = (): HookConfig => JSON.parse(readFileSync(`${gitDir}/${HOOK_CONFIG_FILE}`, "utf8")) as HookConfig;

function updatesOf(input: string): Update[] {
  return input
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [before = "", after = "", ref = ""] = line.split(" ");
      return { before, after, ref };
    });
}

/** One POST; the answer's body is read whole (the server's answers are small). */
function send(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const request = new URL(url).protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers, signal: AbortSignal.timeout(timeoutMs) }, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function post(config: HookConfig, url: string, payload: unknown, headers: Record<string, string> = {}): Promise<{ ok: boolean; status: number; answer: Answer }> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", config.secret).update(body).digest("hex")}`;
  const all = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "x-gitsync-signature": signature,
    "x-gitsync-delivery": randomUUID(),
    ...headers,
  };
  const { status, text } = await send(url, all, body, config.timeoutMs);
  let answer: Answer = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object") answer = parsed;
  } catch {
    // An answer that is not JSON (a proxy's error page) has no lines to print.
  }
  return { ok: status >= 200 && status < 300, status, answer };
}

function printLines(answer: Answer): void {
  for (const line of Array.isArray(answer.lines) ? answer.lines : []) say(String(line));
}

/** Why a request failed, without the URL's secrets: the network error's code, or its name. */
function failure(error: unknown): string {
  const e = error as { name?: string; code?: string };
  return timedOut(error) ? "TimeoutError" : e.code || e.name || "error";
}

/** An aborted request carries the timeout as its cause. */
function timedOut(error: unknown): boolean {
  const e = error as { name?: string; cause?: { name?: string } };
  return e.name === "TimeoutError" || e.cause?.name === "TimeoutError";
}

function configOrExit(refusal: string, exitCode: number): HookConfig {
  try {
    return readConfig();
  } catch (error) {
    log(`${refusal}: cannot read ${HOOK_CONFIG_FILE}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(exitCode);
  }
}

/**
 * post-receive: tells the server about each updated branch and prints what it did (applied N
 * resources, or why not). It never fails the push: the refs have already moved.
 */
async function postReceive(input: string): Promise<number> {
  const config = configOrExit("webhook not sent", 0);
  for (const update of updatesOf(input)) {
    try {
      const { ok, status, answer } = await post(config, config.url, { repository: config.repository, updates: [update] }, { "x-gitsync-wait": "1" });
      if (!ok) log(`webhook for ${update.ref} failed: HTTP ${status}`);
      else printLines(answer);
    } catch (error) {
      const why = timedOut(error) ? "no answer yet; the server goes on (see the sync log)" : `failed: ${failure(error)} (${target(config.url)})`;
      log(`webhook for ${update.ref} ${why}`);
    }
  }
  return 0;
}

/**
 * pre-receive: asks the server whether inbound would apply each branch update, sending where
 * git keeps the pushed objects until the push is accepted; prints the findings and refuses the
 * push when the server refuses it or cannot be asked (a required check that did not run).
 */
async function preReceive(input: string): Promise<number> {
  const config = configOrExit("push refused", 1);
  let refused = false;
  for (const update of updatesOf(input)) {
    try {
      const payload = { repository: config.repository, updates: [update], quarantine: process.env["GIT_QUARANTINE_PATH"] || null };
      const { ok, status, answer } = await post(config, `${config.url}/check`, payload);
      printLines(answer);
      if (!ok) {
        log(`push refused: the server could not check ${update.ref} (HTTP ${status})`);
        refused = true;
      } else if (answer.accepted !== true) refused = true;
    } catch (error) {
      log(`push refused: the server could not check ${update.ref}: ${failure(error)} (${target(config.url)})`);
      refused = true;
    }
  }
  return refused ? 1 : 0;
}

export const HOOKS = { "post-receive": postReceive, "pre-receive": preReceive };
export type HookName = keyof typeof HOOKS;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const name = process.argv[2] as HookName;
  const hook = HOOKS[name];
  if (!hook) {
    say(`unknown hook '${name}'`);
    process.exit(1);
  }
  process.exit(await hook(readFileSync(0, "utf8")));
}
