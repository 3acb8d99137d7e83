import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { uiRoutes } from "../../src/server/ui.js";
import { buildWeb } from "../../src/web/build.js";
import { ADMIN_TOKEN, startServer, type TestServer } from "../server/harness.js";

export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser suite cannot run here, or null when it can. */
export function skipReason(): string | null {
  return existsSync(CHROMIUM) ? null : `browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`;
}

/** The UI built into a temporary folder, a server in this process serving it, and a fresh Chromium. */
export interface UiFixture {
  server: TestServer;
  browser: BrowserContext;
  page(): Promise<Page>;
  stop(): Promise<void>;
}

export async function startUi(env: Record<string, string> = {}): Promise<UiFixture> {
  const assetsDir = await mkdtemp(join(tmpdir(), "gitsync-web-"));
  const profile = await mkdtemp(join(tmpdir(), "gitsync-chromium-"));
  await buildWeb(assetsDir);
  const server = await startServer(env, { app: { routes: uiRoutes({ assetsDir }) } });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      // Every page is the one loopback server's: one renderer serves them all instead of a
      // new process per page, which cost more than most tests' own work.
      "--renderer-process-limit=1",
      "--disable-site-isolation-trials",
    ],
    viewport: { width: 1280, height: 900 },
  });
  return {
    server,
    browser,
    page: async () => {
      const page = await browser.newPage();
      // Below the test timeout, so a missing element fails with the locator's name.
      page.setDefaultTimeout(10_000);
      // Only the server under test: anything else the page tried to load would fail the test.
      await page.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());
      return page;
    },
    stop: async () => {
      await browser.close();
      await server.stop();
      await rm(assetsDir, { recursive: true, force: true });
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the UI and signs in with `token`; resolves once the tenant page shows. */
export async function signIn(page: Page, url: string, token: string = ADMIN_TOKEN): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: /^Tenant / }).waitFor();
}

/** A token with `role` for a new user, made through the API as the admin. */
export async function tokenFor(server: TestServer, role: "viewer" | "editor" | "admin", name: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ label: `${role}-ui`, role, user: { name, email: `${name.toLowerCase()}@example.com` } }),
  });
  if (response.status !== 201) throw new Error(`token for ${role}: ${response.status}`);
  return ((await response.json()) as { secret: string }).secret;
}

/** The admin's JSON call to the API, for arranging and checking state around the browser. */
export async function api(server: TestServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}
