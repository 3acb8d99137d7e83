import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactError, redactingProvider, redactText, REDACTED } from "../../src/providers/redact.js";
import { GitsyncError } from "../../src/core/errors.js";
import { GitLabProvider } from "../../src/providers/gitlab/index.js";
import { callBuilt, serveBuilt, type BuiltServer } from "../e2e/built-server.js";

/*
 * A forge that quotes the credential it was sent in its error message (some do, and so does a
 * proxy in front of one). Nothing gitsync shows of that error may hold the credential.
 */

const TOKEN = "glpat-redaction-test-0123456789abcd";

/** A GitLab stand-in: every call fails with 401, quoting the token it received. */
async function quotingForge(): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const token = req.headers["private-token"] ?? req.headers.authorization ?? "(none)";
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ message: `401 Unauthorized: token ${String(token)} is not valid` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe("redaction of provider errors", () => {
  it("takes known secrets, their encoded forms and credential shapes out of text", () => {
    const text = `failed: ${TOKEN} / ${encodeURIComponent("s3cr3t/value+x")} https://user:pa55word@host/x ghs_${"a".repeat(36)} Bearer abcdefghijklmnopqrstuvwxyz`;
    const out = redactText(text, ["s3cr3t/value+x", TOKEN, "abc"]);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain("s3cr3t");
    expect(out).not.toContain("pa55word");
    expect(out).not.toContain("ghs_aaaa");
    expect(out).not.toContain("abcdefghijklmnopqrstuvwxyz");
    // Too short to be a secret: ordinary words are left alone.
    expect(out).toContain("failed:");
  });

  it("keeps an error's class and code, and cleans its message, stack and details", () => {
    const error = new GitsyncError("provider_error", `GitLab said ${TOKEN}`, { echo: [`x ${TOKEN}`] });
    const cleaned = redactError(error, [TOKEN]) as GitsyncError;
    expect(cleaned).toBe(error);
    expect(cleaned.code).toBe("provider_error");
    expect(JSON.stringify({ m: cleaned.message, s: cleaned.stack, d: cleaned.details })).not.toContain(TOKEN);
    expect(cleaned.message).toContain(REDACTED);
  });

  it("cleans every failure of a real provider talking to a forge that quotes the token", async () => {
    const forge = await quotingForge();
    try {
      const provider = redactingProvider(new GitLabProvider({ token: TOKEN, webhookSecret: "unused-secret", host: forge.url }), [TOKEN]);
      const failure = await provider.resolveRef({ repository: "acme/config" }, "main").then(
        () => null,
        (error: unknown) => error as GitsyncError,
      );
      expect(forge.seen.length).toBeGreaterThan(0);
      expect(failure).toBeInstanceOf(GitsyncError);
      expect(failure!.message).toContain(REDACTED);
      expect(failure!.message).not.toContain(TOKEN);
      // Every field a logger would print, the forge's own message kept aside included.
      expect(JSON.stringify({ ...failure, stack: failure!.stack })).not.toContain(TOKEN);
    } finally {
      forge.server.close();
    }
  });
});

describe("redaction on the built server", () => {
  let server: BuiltServer;
  let forge: Awaited<ReturnType<typeof quotingForge>>;
  beforeAll(async () => {
    forge = await quotingForge();
    server = await serveBuilt({ env: { GITLAB_WEBHOOK_SECRET: "gitlab-hook-secret" } });
    expect((await callBuilt(server, "POST", "/api/v1/tenants", { body: { slug: "sec", name: "Security" } })).status).toBe(201);
    const git = await callBuilt(server, "PUT", "/api/v1/tenants/sec/git", {
      body: { provider: "gitlab", repository: "acme/config", branch: "main", path: "", format: "yaml", outbound: "direct", debounceMs: 1000, deletions: "archive", baseUrl: forge.url, token: TOKEN },
    });
    expect(git.status, git.text).toBe(200);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    forge?.server.close();
  });

  it("keeps the token out of the API's answers, the sync log and the server log", async () => {
    const test = await callBuilt(server, "POST", "/api/v1/tenants/sec/git/test");
    expect(test.status).toBe(200);
    expect(test.text).toContain(REDACTED);
    const resync = await callBuilt(server, "POST", "/api/v1/tenants/sec/resync", { body: { direction: "from-git" } });
    expect(resync.status).toBeGreaterThanOrEqual(400);
    const log = await callBuilt(server, "GET", "/api/v1/tenants/sec/log");
    expect(forge.seen.length).toBeGreaterThan(0);
    const around = (text: string) => text.slice(Math.max(0, text.indexOf(TOKEN) - 1500), text.indexOf(TOKEN) + 100);
    for (const text of [test.text, resync.text, log.text, server.output()]) expect(text, around(text)).not.toContain(TOKEN);
    expect(`${resync.text}${log.text}`).toContain(REDACTED);
  });
});
