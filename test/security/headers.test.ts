import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "../e2e/built-server.js";
import { testAppKey } from "../helpers/rsa-key.js";
import { CHROMIUM, skipReason } from "../web/browser.js";

/*
 * A page elsewhere frames gitsync's pages (clickjacking), or a browser sniffs an API answer
 * into something it runs, or a shared cache keeps an answer. The answers say no to each.
 */

const directives = (csp: string | null) => new Map((csp ?? "").split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describe("security headers of the built server", () => {
  let server: BuiltServer;
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), "gitsync-sec-headers-"));
    server = await serveBuilt({ cwd });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it("marks every API answer, errors included, nosniff and no-store", async () => {
    const answers = [
      await callBuilt(server, "GET", "/api/v1/tenants"),
      await callBuilt(server, "GET", "/api/v1/tenants", { token: null }),
      await callBuilt(server, "GET", "/api/v1/no-such-route"),
      await callBuilt(server, "POST", "/api/v1/tenants", { raw: "not json", headers: { "content-type": "text/html" } }),
      await callBuilt(server, "GET", "/openapi.json", { token: null }),
    ];
    for (const answer of answers) {
      expect(answer.headers.get("x-content-type-options"), answer.text.slice(0, 80)).toBe("nosniff");
      expect(answer.headers.get("cache-control"), answer.text.slice(0, 80)).toBe("no-store");
    }
  });

  it("gives the /probot pages the web UI's frame protection and a policy naming only their own inline code", async () => {
    const ui = directives((await callBuilt(server, "GET", "/", { token: null })).headers.get("content-security-policy"));
    for (const path of ["/probot", "/probot/import", "/probot/static/primer.css"]) {
      const refused = await callBuilt(server, "GET", path, { token: null });
      const page = await callBuilt(server, "GET", path);
      for (const answer of [refused, page]) {
        const csp = directives(answer.headers.get("content-security-policy"));
        for (const name of ["default-src", "frame-ancestors", "base-uri", "style-src", "connect-src"]) {
          expect(csp.get(name), `${path} ${answer.status} ${name}`).toEqual(ui.get(name));
        }
        expect(answer.headers.get("x-frame-options")).toBe("DENY");
        expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      }
    }
    const importPage = await callBuilt(server, "GET", "/probot/import");
    const script = /<script>([\s\S]*?)<\/script>/.exec(importPage.text)![1]!;
    const allowed = directives(importPage.headers.get("content-security-policy")).get("script-src");
    expect(allowed).toContain(`'sha256-${createHash("sha256").update(script).digest("base64")}'`);
    expect(allowed).not.toContain("'unsafe-inline'");
    expect(directives((await callBuilt(server, "GET", "/probot")).headers.get("content-security-policy")).get("form-action")).toEqual(["'self'", "https://github.com"]);
  });

  it.skipIf(skipReason() !== null)("lets an admin's browser use the import page under that policy, with no violation", async () => {
    const profile = await mkdtemp(join(tmpdir(), "gitsync-sec-chromium-"));
    const pemFile = join(profile, "app.pem");
    writeFileSync(pemFile, testAppKey());
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
      httpCredentials: { username: "admin", password: server.token },
    });
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(`${server.url}/probot/import`);
      await page.fill("#appId", "777");
      await page.fill("#whs", "browser-hook-secret");
      await page.setInputFiles("#pem", pemFile);
      await page.click("button[type=submit]");
      await page.waitForURL(/\/probot\/success$/);
      expect(violations).toEqual([]);
      expect(existsSync(join(cwd, ".env"))).toBe(true);
      expect(readFileSync(join(cwd, ".env"), "utf8")).toContain("APP_ID=777");
    } finally {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    }
  }, 60_000);
});
