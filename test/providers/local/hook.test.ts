import { execFile, execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HOOK_LOG_FILE } from "../../../src/providers/local/index.js";
import { createLocalHarness, WEBHOOK_SECRET, type LocalHarness } from "./harness.js";

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

async function listen(received: Received[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = 202;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, url: `http://127.0.0.1:${address.port}/webhooks/local` };
}

/** A port nobody listens on: bind one, then let it go. */
async function closedPortUrl(): Promise<string> {
  const { server, url } = await listen([]);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

const ENV = { ...process.env, GIT_AUTHOR_NAME: "Dev", GIT_AUTHOR_EMAIL: "dev@example.com", GIT_COMMITTER_NAME: "Dev", GIT_COMMITTER_EMAIL: "dev@example.com" };

function inClone(dir: string, args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { env: ENV }).toString("utf8").trim();
}

/**
 * Clones the bare repository, commits one file and pushes; returns the push's stderr and new
 * head. The push runs asynchronously: the hook posts to a server living in this process.
 */
async function pushChange(h: LocalHarness, file: string, content: string, branch = "main"): Promise<{ stderr: string; head: string; status: number | null }> {
  const work = join(h.root, `work-${branch.replaceAll("/", "-")}`);
  execFileSync("git", ["clone", "--quiet", h.gitDir, work], { env: ENV });
  inClone(work, ["checkout", "--quiet", "-B", branch]);
  writeFileSync(join(work, file), content);
  inClone(work, ["add", "-A"]);
  inClone(work, ["commit", "--quiet", "-m", `change ${file}`]);
  const push = await new Promise<{ stderr: string; status: number | null }>((resolve) => {
    execFile("git", ["-C", work, "push", "origin", branch], { env: ENV }, (error, _stdout, stderr) => {
      resolve({ stderr, status: error ? (typeof error.code === "number" ? error.code : 1) : 0 });
    });
  });
  return { ...push, head: inClone(work, ["rev-parse", "HEAD"]) };
}

describe("local provider: post-receive hook", () => {
  let h: LocalHarness | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    server?.close();
    await h?.cleanup();
    h = undefined;
    server = undefined;
  });

  it("turns a real git push into a signed delivery that parses to a PushEvent", async () => {
    const received: Received[] = [];
    const listening = await listen(received);
    server = listening.server;
    h = await createLocalHarness({ hook: { url: listening.url, secret: WEBHOOK_SECRET } });
    const before = await h.seed({ "models/a.yaml": "name: a\n" });

    const push = await pushChange(h, "b.yaml", "name: b\n");

    expect(push.status).toBe(0);
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery?.url).toBe("/webhooks/local");
    expect(JSON.parse(delivery?.body.toString() ?? "")).toEqual({
      repository: "tenant-a",
      updates: [{ before, after: push.head, ref: "refs/heads/main" }],
    });
    const event = await h.provider.parseWebhook({ headers: delivery?.headers ?? {}, rawBody: delivery?.body ?? Buffer.alloc(0) });
    expect(event).toMatchObject({ kind: "push", provider: "local", repository: "tenant-a", branch: "main", before, after: push.head, forced: false });
    expect(event?.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends one delivery per pushed branch, a new branch starting from the zero id", async () => {
    const received: Received[] = [];
    const listening = await listen(received);
    server = listening.server;
    h = await createLocalHarness({ hook: { url: listening.url, secret: WEBHOOK_SECRET } });
    await h.seed({ "a.yaml": "a: 1\n" });

    const push = await pushChange(h, "c.yaml", "c: 1\n", "demo/2024.05.01.1");

    expect(push.status).toBe(0);
    expect(received).toHaveLength(1);
    const event = await h.provider.parseWebhook({ headers: received[0]?.headers ?? {}, rawBody: received[0]?.body ?? Buffer.alloc(0) });
    expect(event).toMatchObject({ branch: "demo/2024.05.01.1", before: "0".repeat(40), after: push.head, forced: false });
  });

  it("lets the push succeed when the server is down, and logs the failure without the secret", async () => {
    h = await createLocalHarness({ hook: { url: await closedPortUrl(), secret: WEBHOOK_SECRET } });
    await h.seed({ "a.yaml": "a: 1\n" });

    const push = await pushChange(h, "d.yaml", "d: 1\n");

    expect(push.status).toBe(0);
    expect(await h.head("main")).toBe(push.head);
    expect(push.stderr).toMatch(/remote: gitsync: webhook for refs\/heads\/main failed: ECONNREFUSED/);
    const log = readFileSync(join(h.gitDir, HOOK_LOG_FILE), "utf8");
    expect(log).toMatch(/webhook for refs\/heads\/main failed: ECONNREFUSED/);
    expect(`${push.stderr}${log}`).not.toContain(WEBHOOK_SECRET);
  });

  it("keeps the hook's secret in a file only its owner can read", async () => {
    h = await createLocalHarness({ hook: { url: "http://127.0.0.1:9/webhooks/local", secret: WEBHOOK_SECRET } });
    await h.seed({});
    expect(statSync(join(h.gitDir, "gitsync-hook.json")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(h.gitDir, "hooks", "post-receive"), "utf8")).not.toContain(WEBHOOK_SECRET);
  });

  it("tells the pusher the server goes on when it does not answer within the hook's time", async () => {
    // Accepts the request and never answers, like a server still applying a long push.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    server = silent;
    const { port } = silent.address() as { port: number };
    h = await createLocalHarness({ hook: { url: `http://127.0.0.1:${port}/webhooks/local`, secret: WEBHOOK_SECRET, timeoutMs: 300 } });
    await h.seed({ "a.yaml": "a: 1\n" });

    const push = await pushChange(h, "e.yaml", "e: 1\n");

    expect(push.status).toBe(0);
    expect(push.stderr).toMatch(/remote: gitsync: webhook for refs\/heads\/main no answer yet; the server goes on \(see the sync log\)/);
    silent.closeAllConnections();
  });

  it("runs the typechecked hook module, built, not a copy of a script inside the repository", async () => {
    h = await createLocalHarness({ hook: { url: "http://127.0.0.1:9/webhooks/local", secret: WEBHOOK_SECRET } });
    await h.seed({});
    const wrapper = readFileSync(join(h.gitDir, "hooks", "post-receive"), "utf8");
    // From source, the module is built once into the temporary folder; a build runs dist's run.js
    // (the end-to-end push tests).
    const script = /'([^']+\/hook-[0-9a-f]{16}\.mjs)' 'post-receive'/.exec(wrapper)?.[1];
    expect(script).toBeDefined();
    expect(readFileSync(script!, "utf8")).toContain("x-gitsync-signature");
    expect(readdirSync(join(h.gitDir, "hooks")).filter((f) => f.startsWith("gitsync-"))).toEqual([]);
  });
});
