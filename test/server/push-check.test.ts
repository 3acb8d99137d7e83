import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installHook } from "../../src/providers/local/hook.js";
import { sign } from "../../src/providers/local/webhook.js";
import { startServer, type TestServer } from "./harness.js";

/** The local pre-receive check's route, as the hook and as an attacker would call it. */

let server: TestServer;
let secret: string;
let head: string;

async function ask(payload: object, key = secret): Promise<{ status: number; body: any }> {
  const raw = JSON.stringify(payload);
  const res = await fetch(`${server.url}/webhooks/local/check`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-gitsync-signature": sign(key, raw), "x-gitsync-delivery": randomUUID() },
    body: raw,
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  server = await startServer();
  await server.app.sync.idle();
  secret = readFileSync(join(server.dataDir, "local-webhook.secret"), "utf8").trim();
  const { execFileSync } = await import("node:child_process");
  head = execFileSync("git", ["--git-dir", join(server.dataDir, "repos", "demo.git"), "rev-parse", "main"]).toString().trim();
});
afterAll(async () => {
  await server?.stop();
});

describe("POST /webhooks/local/check", () => {
  it("refuses a request not signed with the hooks' secret", async () => {
    const res = await ask({ repository: "demo", updates: [{ before: head, after: head, ref: "refs/heads/main" }] }, "not-the-secret");
    expect(res.status).toBe(401);
  });

  it("refuses a quarantine folder that is not this repository's incoming objects", async () => {
    for (const quarantine of ["/tmp", join(server.dataDir, "repos", "demo.git", "objects"), "relative/path", 42]) {
      const res = await ask({ repository: "demo", updates: [{ before: head, after: head, ref: "refs/heads/main" }], quarantine });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("incoming objects folder");
    }
  });

  it("accepts, with nothing to say, a push whose commit the tenant already reflects", async () => {
    const res = await ask({ repository: "demo", updates: [{ before: head, after: head, ref: "refs/heads/main" }], quarantine: null });
    expect(res).toEqual({ status: 200, body: { accepted: true, lines: [] } });
  });
});

describe("installing the hooks", () => {
  let gitDir: string;
  beforeAll(async () => {
    gitDir = await mkdtemp(join(tmpdir(), "gitsync-hooks-"));
    const { execFileSync } = await import("node:child_process");
    execFileSync("git", ["init", "-q", "--bare", gitDir]);
  });
  afterAll(async () => {
    await rm(gitDir, { recursive: true, force: true });
  });

  it("installs the pre-receive check when on, removes it when off, and leaves a person's own hook alone", async () => {
    const options = { url: "http://127.0.0.1:9/webhooks/local", secret: "s3cret" };
    await installHook(gitDir, "repo", { ...options, pushCheck: true });
    const hook = join(gitDir, "hooks", "pre-receive");
    expect(readFileSync(hook, "utf8")).toContain("Installed by gitsync");
    // The secret is only in the config file git never serves, not in the hook a clone could read.
    expect(readFileSync(hook, "utf8")).not.toContain("s3cret");
    await installHook(gitDir, "repo", { ...options, pushCheck: false });
    expect(existsSync(hook)).toBe(false);
    await writeFile(hook, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    await installHook(gitDir, "repo", { ...options, pushCheck: false });
    expect(readFileSync(hook, "utf8")).toBe("#!/bin/sh\nexit 0\n");
  });
});
