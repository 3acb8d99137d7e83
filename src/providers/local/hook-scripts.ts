/**
 * The hook scripts gitsync installs in a local bare repository: small Node programs (Node is
 * always there: it runs gitsync). They read the server's URL and secret from a 0600 file in the
 * repository, sign each request with HMAC-SHA256 and print the server's answer, which git
 * shows to the pusher as `remote:` lines.
 */

export const HOOK_CONFIG_FILE = "gitsync-hook.json";
export const HOOK_LOG_FILE = "gitsync-hook.log";

/** Shared by both scripts: config, log, the signed POST. */
const COMMON = String.raw`import { createHmac, randomUUID } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";

const gitDir = process.env.GIT_DIR || ".";
const say = (message) => process.stderr.write("gitsync: " + message + "\n");
const log = (message) => {
  say(message);
  try { appendFileSync(gitDir + "/${HOOK_LOG_FILE}", new Date().toISOString() + " " + message + "\n"); } catch {}
};
// Origin and path only: a URL's user info or query must not reach a log.
const target = (url) => { try { const u = new URL(url); return u.origin + u.pathname; } catch { return "(bad url)"; } };
const readConfig = () => JSON.parse(readFileSync(gitDir + "/${HOOK_CONFIG_FILE}", "utf8"));
const updatesOf = (input) => input.split("\n").filter(Boolean).map((line) => {
  const [before, after, ref] = line.split(" ");
  return { before, after, ref };
});
const post = async (config, url, payload, headers = {}) => {
  const body = JSON.stringify(payload);
  const signature = "sha256=" + createHmac("sha256", config.secret).update(body).digest("hex");
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-gitsync-signature": signature, "x-gitsync-delivery": randomUUID(), ...headers },
    body,
    signal: AbortSignal.timeout(config.timeoutMs),
  });
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, answer };
};
const printLines = (answer) => { for (const line of Array.isArray(answer.lines) ? answer.lines : []) say(String(line)); };
`;

/**
 * post-receive: tells the server about each updated branch and prints what it did (applied N
 * resources, or why not). It never fails the push: the refs have already moved.
 */
export const POST_RECEIVE = `// Installed by gitsync: POSTs each pushed branch update to the gitsync server.
${COMMON}
let config;
try { config = readConfig(); } catch (error) {
  log("webhook not sent: cannot read ${HOOK_CONFIG_FILE}: " + error.message);
  process.exit(0);
}
for (const update of updatesOf(readFileSync(0, "utf8"))) {
  try {
    const { ok, status, answer } = await post(config, config.url, { repository: config.repository, updates: [update] }, { "x-gitsync-wait": "1" });
    if (!ok) log("webhook for " + update.ref + " failed: HTTP " + status);
    else printLines(answer);
  } catch (error) {
    const why = error.name === "TimeoutError" ? "no answer yet; the server goes on (see the sync log)" : "failed: " + (error.cause?.code || error.name || "error") + " (" + target(config.url) + ")";
    log("webhook for " + update.ref + " " + why);
  }
}
process.exit(0);
`;

/**
 * pre-receive: asks the server whether inbound would apply each branch update, sending where
 * git keeps the pushed objects until the push is accepted; prints the findings and refuses the
 * push when the server refuses it or cannot be asked (a required check that did not run).
 */
export const PRE_RECEIVE = `// Installed by gitsync: refuses a push that inbound sync would refuse.
${COMMON}
let config;
try { config = readConfig(); } catch (error) {
  log("push refused: cannot read ${HOOK_CONFIG_FILE}: " + error.message);
  process.exit(1);
}
const updates = updatesOf(readFileSync(0, "utf8"));
let refused = false;
for (const update of updates) {
  try {
    const payload = { repository: config.repository, updates: [update], quarantine: process.env.GIT_QUARANTINE_PATH || null };
    const { ok, status, answer } = await post(config, config.url + "/check", payload);
    printLines(answer);
    if (!ok) { log("push refused: the server could not check " + update.ref + " (HTTP " + status + ")"); refused = true; }
    else if (answer.accepted !== true) refused = true;
  } catch (error) {
    log("push refused: the server could not check " + update.ref + ": " + (error.cause?.code || error.name || "error") + " (" + target(config.url) + ")");
    refused = true;
  }
}
process.exit(refused ? 1 : 0);
`;
