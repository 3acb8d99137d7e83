import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN } from "../server/harness.js";
import { api, signIn, skipReason, startUi, tokenFor, type UiFixture } from "./browser.js";

const reason = skipReason();
if (reason) console.warn(reason);

describe.skipIf(reason !== null)("the web UI in Chromium", () => {
  let ui: UiFixture;

  beforeAll(async () => {
    ui = await startUi();
  });
  afterAll(async () => {
    await ui?.stop();
  });

  it("serves the page with a strict content security policy and refuses other asset paths", async () => {
    const page = await fetch(`${ui.server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const script = await fetch(`${ui.server.url}/assets/app.js`);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect((await script.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${ui.server.url}/assets/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${ui.server.url}/assets/.hidden.js`)).status).toBe(404);
  });

  it("refuses an unknown token in words, then signs in and shows the tenant page", async () => {
    const page = await ui.page();
    await page.goto(`${ui.server.url}/`);
    await page.getByLabel("API token").fill("gs_not_a_real_token_at_all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("not known or was revoked");

    await page.getByLabel("API token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Tenant demo" }).waitFor();

    // Every project the API reports is listed with its resource count.
    const projects = (await api(ui.server, "GET", "/tenants/demo/projects")).body.items as { name: string | null; resources: number }[];
    expect(projects.length).toBeGreaterThan(0);
    const shown = page.locator("ul.projects > li");
    await expect.poll(() => shown.count()).toBe(projects.length);
    for (const project of projects) {
      const item = page.locator(`ul.projects > li[data-project="${project.name ?? ""}"]`);
      expect(await item.innerText()).toContain(`${project.resources} resource`);
    }

    // Resources per kind, with who changed them last and how.
    const models = (await api(ui.server, "GET", "/tenants/demo/resources/models")).body.items as { name: string; updatedBy: string; updatedAt: string }[];
    const table = page.getByRole("region", { name: "Models" });
    for (const model of models) {
      const row = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: model.name, exact: true }) });
      expect(await row.innerText()).toContain(model.updatedBy);
    }
    // The last change's direction: the newest finished sync naming the resource, or "app" when
    // the app changed it after that sync (or it was never synced).
    const log = (await api(ui.server, "GET", "/tenants/demo/log?status=done&limit=200")).body.items as {
      direction: string;
      resources: string[];
      updatedAt: string;
    }[];
    const expected = models.map((m) => {
      const entry = log.find((e) => e.resources.includes(`models/${m.name}`) || e.resources.includes(`model/${m.name}`));
      return entry && Date.parse(m.updatedAt) <= Date.parse(entry.updatedAt) ? entry.direction : "app";
    });
    expect(await table.locator("tbody .badge").allInnerTexts()).toEqual(expected);

    // The token stays for the tab's session: a reload does not ask again.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Tenant demo" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API token").waitFor();
    expect(await page.evaluate("sessionStorage.length")).toBe(0);
    await page.close();
  });

  it("marks projects with pending changes and gives their counts", async () => {
    // The demo's first commit lands first; then, in pull-request mode, app edits wait for a
    // snapshot and their project is marked.
    await ui.server.app.sync.idle();
    const git = (await api(ui.server, "GET", "/tenants/demo/git")).body;
    await api(ui.server, "PUT", "/tenants/demo/git", { ...git, hasToken: undefined, outbound: "pull-request" });
    const accounts = (await api(ui.server, "GET", "/tenants/demo/resources/models/accounts")).body;
    const project: string | null = accounts.project;
    await api(ui.server, "PUT", "/tenants/demo/resources/models/accounts", { ...accounts.body, primaryKey: "acct_id" });
    for (const name of ["marker-one", "marker-two"]) {
      const created = await api(ui.server, "PUT", `/tenants/demo/resources/models/${name}`, { ...accounts.body, name, tableName: `public.${name}` });
      expect(created.status).toBe(201);
    }
    const page = await ui.page();
    await signIn(page, ui.server.url);
    const item = page.locator(`ul.projects > li[data-project="${project ?? ""}"]`);
    await expect.poll(() => item.innerText()).toContain("Pending changes: 2 created, 1 updated, 0 deleted");
    expect(await item.locator(".dot").count()).toBe(1);
    expect(await page.locator("ul.projects .dot").count()).toBe(1);
    await page.close();

    // Back to direct mode, with the edits committed, for the tests after this one.
    await api(ui.server, "PUT", "/tenants/demo/git", { ...git, hasToken: undefined });
    expect((await api(ui.server, "POST", "/tenants/demo/sync")).body.status).toBe("committed");
    for (const p of (await api(ui.server, "GET", "/tenants/demo/projects")).body.items) {
      expect(p.pendingChanges).toEqual({ created: 0, updated: 0, deleted: 0 });
    }
  });

  it("hides the git settings from a viewer", async () => {
    const token = await tokenFor(ui.server, "viewer", "Vera");
    const page = await ui.page();
    await signIn(page, ui.server.url, token);
    expect(await page.getByRole("navigation", { name: "Tenant pages" }).innerText()).not.toContain("Git settings");
    expect(await page.getByText("Vera").count()).toBe(1);
    await page.goto(`${ui.server.url}/#/t/demo/settings`);
    await page.getByRole("heading", { level: 1, name: "Git settings" }).waitFor();
    expect(await page.getByRole("status").filter({ hasText: "Only admins" }).count()).toBe(1);
    expect(await page.getByLabel("Branch").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Sync changes" }).count()).toBe(0);
    await page.close();
  });

  it("saves the git settings for an admin, keeps the token write-only and shows field errors in words", async () => {
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.getByRole("link", { name: "Git settings" }).click();
    await page.getByRole("heading", { level: 1, name: "Git settings" }).waitFor();

    await page.getByLabel("Branch").fill("bad..name");
    await page.getByRole("button", { name: "Save" }).click();
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.innerText()).toContain("not a valid git branch name");
    expect(await alert.innerText()).not.toMatch(/[{}]/);
    expect(await page.getByLabel("Branch").getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("Branch").fill("release");
    await page.getByLabel("Outbound mode").selectOption("pull-request");
    await page.getByLabel("Debounce (ms)").fill("2500");
    await page.getByLabel("Provider token").fill("tok_secret_value_1234");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect(await page.getByLabel("Provider token").inputValue()).toBe("");
    expect(await page.content()).not.toContain("tok_secret_value_1234");

    const git = (await api(ui.server, "GET", "/tenants/demo/git")).body;
    expect(git).toMatchObject({ branch: "release", outbound: "pull-request", debounceMs: 2500, hasToken: true, provider: "local" });

    // Pull-request mode: the tenant page offers "Sync changes" to an admin.
    await page.getByRole("link", { name: "Overview" }).click();
    await page.getByRole("button", { name: "Sync changes" }).waitFor();
    await api(ui.server, "PUT", "/tenants/demo/git", { ...git, hasToken: undefined, branch: "main", outbound: "direct", debounceMs: 1000, token: null });
    await page.close();
  });

  it("pages and filters the sync history", async () => {
    const store = ui.server.app.store;
    const before = (await store.listSyncLog("demo", { limit: 200 })).length;
    const inboundBefore = (await store.listSyncLog("demo", { limit: 200, direction: "INBOUND" })).length;
    for (let i = 0; i < 30; i++) {
      await store.appendSyncLog("demo", {
        direction: i % 3 === 0 ? "INBOUND" : "OUTBOUND",
        status: i % 5 === 0 ? "failed" : "done",
        commitSha: (i + 1).toString(16).padStart(40, "a"),
        author: `Author ${i}`,
        resources: [`models/m${i}`],
        error: i % 5 === 0 ? `push rejected ${i}` : null,
      });
    }
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.getByRole("link", { name: "Sync history" }).click();
    const rows = page.locator("table.history tbody tr");
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByRole("link", { name: "Older entries" }).click();
    await expect.poll(() => rows.count()).toBe(before + 30 - 25);
    await page.getByRole("link", { name: "Newest" }).click();
    await expect.poll(() => rows.count()).toBe(25);

    await page.getByLabel("Direction").selectOption("INBOUND");
    await expect.poll(() => rows.count()).toBe(Math.min(25, inboundBefore + 10));
    expect(new Set(await rows.evaluateAll((r) => r.map((x) => x.getAttribute("data-direction"))))).toEqual(new Set(["INBOUND"]));
    await page.getByLabel("Status").selectOption("failed");
    // Seeded: i in 0..29 with i % 3 === 0 and i % 5 === 0 (0 and 15), newest first.
    const failedInbound = (await store.listSyncLog("demo", { limit: 200, direction: "INBOUND", status: "failed" })).length;
    await expect.poll(() => rows.count()).toBe(failedInbound);
    expect(failedInbound).toBeGreaterThanOrEqual(2);
    expect(await rows.first().innerText()).toContain("push rejected 15");
    expect(page.url()).toContain("direction=INBOUND");
    await page.close();
  });

  it("tells an API error in words, never as JSON", async () => {
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.goto(`${ui.server.url}/#/t/nope`);
    const alerts = page.getByRole("alert");
    await expect.poll(() => alerts.count()).toBeGreaterThan(0);
    const text = (await alerts.allInnerTexts()).join("\n");
    expect(text).toContain("Not found. No tenant nope.");
    expect(text).not.toMatch(/[{}"]|not_found/);
    await page.close();
  });

  it("works from the keyboard: skip link, visible focus, view titles take focus", async () => {
    const page = await ui.page();
    await signIn(page, ui.server.url);
    // The title takes focus in an effect, which runs just after the view is painted.
    await expect.poll(() => page.evaluate("document.activeElement?.tagName")).toBe("H1");
    // From the title, one step back is the last tab of the page's navigation.
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("Git settings");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Git settings" }).waitFor();
    await expect.poll(() => page.evaluate("document.activeElement?.tagName")).toBe("H1");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await skip.focus();
    // Runs in the page, where the DOM exists; this file is typed for Node.
    const outline = await skip.evaluate((el) => {
      const style = (globalThis as any).getComputedStyle(el);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    expect(outline).toBe("solid 3px");
    await page.keyboard.press("Enter");
    expect(await page.evaluate("document.activeElement?.id")).toBe("main");
    await page.close();
  });

  it("fits a narrow screen and takes screenshots of the tenant page", async () => {
    const dir = join(tmpdir(), "gitsync-web-screens");
    await mkdir(dir, { recursive: true });
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.locator("section.kind").first().waitFor();
    await page.screenshot({ path: join(dir, "tenant-desktop.png"), fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: join(dir, "tenant-narrow.png"), fullPage: true });
    // Nothing but the tables' own scroll regions is wider than the screen.
    const overflow = await page.evaluate("document.documentElement.scrollWidth");
    expect(overflow).toBeLessThanOrEqual(375);
    await page.close();
  });

  it(
    "syncs changes to a pull request, merges it locally, clears the marker and logs INBOUND",
    async () => {
      const git = (await api(ui.server, "GET", "/tenants/demo/git")).body;
      await api(ui.server, "PUT", "/tenants/demo/git", { ...git, hasToken: undefined, outbound: "pull-request" });
      // An app change that is not in git yet: its project gets the marker.
      const model = (await api(ui.server, "GET", "/tenants/demo/resources/models/accounts")).body;
      expect((await api(ui.server, "PUT", "/tenants/demo/resources/models/accounts", { ...model.body, primaryKey: "account_key" })).status).toBe(200);
      const page = await ui.page();
      await signIn(page, ui.server.url);
      const marked = page.locator(`ul.projects > li[data-project="${model.project ?? ""}"]`);
      await expect.poll(() => marked.locator(".dot").count()).toBe(1);
      expect(await marked.innerText()).toContain("1 updated");

      await page.getByRole("button", { name: "Sync changes" }).click();
      await page.getByText("Syncing changes…").waitFor();
      const link = page.getByRole("link", { name: "Open the pull request" });
      await link.waitFor({ timeout: 20_000 });
      await link.click();
      await page.getByRole("button", { name: "Merge pull request" }).click();
      await page.getByRole("status").filter({ hasText: /merged/ }).waitFor({ timeout: 20_000 });

      await page.getByRole("link", { name: "Overview" }).click();
      await expect.poll(() => page.locator("ul.projects .dot").count(), { timeout: 20_000 }).toBe(0);
      await page.getByRole("link", { name: "Sync history" }).click();
      await page.getByLabel("Direction").selectOption("INBOUND");
      await expect.poll(() => page.locator('table.history tbody tr[data-direction="INBOUND"]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
      await page.close();
    },
  );
});
