import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes } from "../../src/server/routes/index.js";
import { pushAsync } from "../helpers/working-copy.js";
import { api, signIn, skipReason, startUi, type UiFixture } from "./browser.js";

/**
 * What people see, in Chromium against the server: the pull request page with its diff and
 * findings inline, a resource's history, diff and restore, and the overview's health. With
 * GITSYNC_SCREENSHOTS=1 the suite writes the README's screenshots into docs/screenshots/.
 */

const reason = skipReason();
if (reason) console.warn(reason);

const SHOTS = process.env.GITSYNC_SCREENSHOTS === "1" ? fileURLToPath(new URL("../../docs/screenshots/", import.meta.url)) : null;
const bob = { name: "Bob", email: "bob@example.com" };
const env = { ...process.env, GIT_AUTHOR_NAME: bob.name, GIT_AUTHOR_EMAIL: bob.email, GIT_COMMITTER_NAME: bob.name, GIT_COMMITTER_EMAIL: bob.email };

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

describe.skipIf(reason !== null)("the review pages in Chromium", () => {
  let ui: UiFixture;
  let work: string;
  let bare: string;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: work, env }).toString("utf8").trim();
  const settle = async () => {
    await ui.server.app.sync.idle();
    await new Promise((r) => setTimeout(r, 120));
    await ui.server.app.sync.idle();
  };

  beforeAll(async () => {
    // Pushes must land to be refused by inbound (the overview's indicator), so the pre-receive check is off.
    ui = await startUi({ GITSYNC_LOCAL_PUSH_CHECK: "off" });
    bare = join(ui.server.dataDir, "repos", "demo.git");
    const { hasToken: _ignored, ...fields } = (await api(ui.server, "GET", "/tenants/demo/git")).body;
    await api(ui.server, "PUT", "/tenants/demo/git", { ...fields, debounceMs: 20 });
    for (const deadline = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 100))) {
      await ui.server.app.sync.idle();
      if ((await ui.server.app.store.getSyncState("demo"))?.lastCommittedSha) break;
      if (Date.now() > deadline) throw new Error("the demo tenant's first commit did not come");
    }
    work = await mkdtemp(join(tmpdir(), "gitsync-ui-review-"));
    execFileSync("git", ["clone", "-q", bare, work]);
  });
  afterAll(async () => {
    await ui?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("shows a pull request's diff with each finding under its line, the plan as a table, and no marker", async () => {
    git("checkout", "-qb", "review", "origin/main");
    const path = join(work, "models", "accounts.yaml");
    const original = await readFile(path, "utf8");
    expect(original).toMatch(/primaryKey: /);
    await writeFile(path, original.replace(/primaryKey: .*/, "primaryKey: acct_key\nisSchema: maybe"));
    await writeFile(join(work, "file-definitions", "daily-csv.yaml"), "name: daily-csv\ntype: csv\nfilePath: /landing/daily\nextension: csv\n");
    git("add", "-A");
    git("commit", "-qm", "Key accounts by account_id");
    await pushAsync(work, "review", bob);
    const opened = await api(ui.server, "POST", "/tenants/demo/pulls", { head: "review", title: "Key accounts by account_id" });
    expect(opened.status).toBe(201);
    const n = opened.body.pull.number as number;
    const finding = opened.body.pull && (await api(ui.server, "GET", `/tenants/demo/pulls/${n}`)).body.checks[0].annotations[0];
    expect(finding).toMatchObject({ path: "models/accounts.yaml", severity: "error" });

    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.goto(`${ui.server.url}/#/t/demo/pulls/${n}`);
    const accounts = page.locator('section.file-diff[data-path="models/accounts.yaml"]');
    await accounts.waitFor();
    expect(await page.getByTestId("pull-verdict").innerText()).toContain("the check is failing");
    expect(await accounts.locator("tr.added").allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining("primaryKey: acct_key")]));
    // The finding sits in the row right after the line it names.
    const line = accounts.locator(`tr.line[data-new-line="${finding.line}"]`);
    const next = line.locator("xpath=following-sibling::tr[1]");
    expect(await next.getAttribute("class")).toBe("annotation-row");
    expect(await next.innerText()).toContain(finding.message);
    expect(await page.locator('section.file-diff[data-path="file-definitions/daily-csv.yaml"] tr.added').count()).toBe(4);
    const text = await page.locator("main").innerText();
    expect(text).not.toContain("<!--");
    expect(text).not.toContain("| --- |");
    expect(text).not.toContain("**");
    await shoot(page, "pull-request.png");
    await page.close();
  });

  it("says merged, never 'fix the errors', on a merged pull request", async () => {
    git("checkout", "-qb", "fine", "origin/main");
    await writeFile(join(work, "file-definitions", "weekly-csv.yaml"), "name: weekly-csv\ntype: csv\nfilePath: /landing/weekly\nextension: csv\n");
    git("add", "-A");
    git("commit", "-qm", "A weekly file");
    await pushAsync(work, "fine", bob);
    const n = (await api(ui.server, "POST", "/tenants/demo/pulls", { head: "fine" })).body.pull.number as number;
    expect((await api(ui.server, "POST", `/tenants/demo/pulls/${n}/merge`)).status).toBe(200);
    await settle();
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.goto(`${ui.server.url}/#/t/demo/pulls/${n}`);
    await page.locator('section.file-diff[data-path="file-definitions/weekly-csv.yaml"]').waitFor();
    expect(await page.getByTestId("pull-verdict").innerText()).toMatch(/^Merged as [0-9a-f]{7}\.$/);
    expect((await page.locator("main").innerText()).toLowerCase()).not.toContain("push again");
    await page.close();
  });

  it("shows a resource's file, history and a diff, and restores an older version after showing the plan", async () => {
    const before = (await api(ui.server, "GET", "/tenants/demo/resources/python-environments/etl")).body.body;
    await api(ui.server, "PUT", "/tenants/demo/resources/python-environments/etl", { ...before, pythonVersion: "3.12" });
    await settle();
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.getByRole("link", { name: "etl", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Python environments: etl" }).waitFor();
    const file = page.getByTestId("file-content");
    await file.waitFor();
    // Byte for byte what git holds, trailing newline included.
    expect(await file.textContent()).toBe(execFileSync("git", ["--git-dir", bare, "show", "main:python-environments/etl.yaml"]).toString("utf8"));
    const rows = page.locator("table.resource-history tbody tr[data-commit]:not([data-commit=''])");
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    expect(await rows.first().getAttribute("data-direction")).toBe("OUTBOUND");

    await page.getByRole("button", { name: "Compare A with B" }).click();
    const diff = page.getByTestId("version-diff");
    await diff.locator("tr.added").first().waitFor();
    expect(await diff.locator("tr.removed").innerText()).toContain('pythonVersion: "3.11"');
    expect(await diff.locator("tr.added").innerText()).toContain('pythonVersion: "3.12"');
    await shoot(page, "resource-page.png");

    const older = rows.nth(1);
    const olderSha = (await older.getAttribute("data-commit"))!;
    await older.getByRole("button", { name: "Restore this version" }).click();
    const panel = page.getByTestId("restore-panel");
    const plan = panel.getByRole("region", { name: "Restore plan" });
    await plan.waitFor();
    expect(await plan.innerText()).toContain("pythonVersion");
    expect((await api(ui.server, "GET", "/tenants/demo/resources/python-environments/etl")).body.body.pythonVersion).toBe("3.12");
    await panel.getByRole("button", { name: "Apply the restore" }).click();
    await page.getByText(`Restored python-environments/etl as at ${olderSha.slice(0, 7)}`).waitFor();
    await settle();
    expect((await api(ui.server, "GET", "/tenants/demo/resources/python-environments/etl")).body.body.pythonVersion).toBe("3.11");
    const committed = execFileSync("git", ["--git-dir", bare, "show", "main:python-environments/etl.yaml"]).toString("utf8");
    expect(committed).toContain('pythonVersion: "3.11"');
    await page.close();
  });

  it("shows the last inbound result on the overview, refused with a link to its findings", async () => {
    git("checkout", "-q", "main");
    git("pull", "-q", "origin", "main");
    await writeFile(join(work, "syncs", "broken.yaml"), "model: nowhere\ndestination: crm\nconfig: {}\nschedule: null\nschedulePaused: false\n");
    git("add", "-A");
    git("commit", "-qm", "A broken sync");
    await pushAsync(work, "main", bob);
    await settle();
    const page = await ui.page();
    await signIn(page, ui.server.url);
    const inbound = page.getByTestId("last-inbound");
    await inbound.getByRole("link", { name: /See the \d+ finding/ }).click();
    const row = page.locator("table.history tr.selected");
    await row.waitFor();
    expect(await row.getAttribute("data-status")).toBe("failed");
    expect(await row.locator("ul.findings").innerText()).toContain("syncs/broken.yaml:1:8");
    await page.close();
  });

  it("greys skipped entries in the history", async () => {
    await ui.server.app.store.appendSyncLog("demo", { direction: "SNAPSHOT", status: "skipped", note: "nothing to sync" });
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.goto(`${ui.server.url}/#/t/demo/history?status=skipped`);
    const badge = page.locator('tr[data-status="skipped"] .badge-skipped').first();
    await badge.waitFor();
    // Runs in the page, where the DOM's getComputedStyle exists.
    type WithStyle = { getComputedStyle(element: unknown): { color: string } };
    const colour = await badge.evaluate((el) => (globalThis as unknown as WithStyle).getComputedStyle(el).color);
    const [r, g, b] = colour.match(/\d+/g)!.map(Number) as [number, number, number];
    // Grey: no channel far from the others (red would be r >> g, b).
    expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThan(40);
    await page.close();
  });
});

/** Whether this server has the route, known when the suite is collected. */
const routeExists = (path: string) => apiRoutes.some((r) => r.method === "GET" && r.path === path);
const routes = { jobs: routeExists("/api/v1/tenants/{tenant}/jobs"), drift: routeExists("/api/v1/tenants/{tenant}/drift") };

/** The indicators fed by the durable jobs and drift routes, shown when the server has them. */
describe.skipIf(reason !== null)("the overview's failed-job and drift indicators", () => {
  let ui: UiFixture;
  beforeAll(async () => {
    ui = await startUi();
  });
  afterAll(async () => {
    await ui?.stop();
  });

  it("hides both blocks when the server does not have those routes", async () => {
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.getByTestId("last-inbound").waitFor();
    expect(await page.getByTestId("drift").count()).toBe(routes.drift ? 1 : 0);
    if (!routes.jobs) expect(await page.getByTestId("failed-jobs").count()).toBe(0);
    await page.close();
  });

  it.skipIf(!routes.drift)("shows drift with the differing resources and their direction", async () => {
    await ui.server.app.sync.idle();
    // The tenant changes without reaching git (a debounce of an hour): the app is ahead of the branch.
    const { hasToken: _ignored, ...fields } = (await api(ui.server, "GET", "/tenants/demo/git")).body;
    await api(ui.server, "PUT", "/tenants/demo/git", { ...fields, debounceMs: 3_600_000 });
    const before = (await api(ui.server, "GET", "/tenants/demo/resources/python-environments/etl")).body.body;
    await api(ui.server, "PUT", "/tenants/demo/resources/python-environments/etl", { ...before, pythonVersion: "3.13" });
    const page = await ui.page();
    await signIn(page, ui.server.url);
    const drift = page.getByTestId("drift");
    await drift.waitFor();
    expect(await drift.innerText()).toContain("python-environment/etl");
    expect(await drift.innerText()).toContain("differs between git and the app");
    await page.close();
  });

  it.skipIf(!routes.jobs)("lists the failed jobs the API reports, each with its error", async () => {
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.getByTestId("last-inbound").waitFor();
    const failed = (await api(ui.server, "GET", "/tenants/demo/jobs?state=failed")).body.items as { kind: string; error: string | null }[];
    expect(await page.getByTestId("failed-jobs").count()).toBe(failed.length > 0 ? 1 : 0);
    for (const job of failed.slice(0, 5)) expect(await page.getByTestId("failed-jobs").innerText()).toContain(job.kind);
    await page.close();
  });
});
