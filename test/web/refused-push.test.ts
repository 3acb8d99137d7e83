import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, skipReason, startUi, type UiFixture } from "./browser.js";

/** A refused push explains itself in the UI: the overview until a later push applies, and the history. */

const reason = skipReason();
if (reason) console.warn(reason);

const env = { ...process.env, GIT_AUTHOR_NAME: "Pat", GIT_AUTHOR_EMAIL: "pat@example.com", GIT_COMMITTER_NAME: "Pat", GIT_COMMITTER_EMAIL: "pat@example.com" };
const git = (cwd: string, args: string[]): string => execFileSync("git", args, { cwd, env }).toString("utf8").trim();
/** Without blocking: the server answering the hook runs in this process. */
const push = (cwd: string) => promisify(execFile)("git", ["push", "-q", "origin", "main"], { cwd, env });

describe.skipIf(reason !== null)("a refused push in the web UI", () => {
  let ui: UiFixture;
  let work: string;
  beforeAll(async () => {
    // The push must land to be refused by inbound, so the pre-receive check is off here.
    ui = await startUi({ GITSYNC_LOCAL_PUSH_CHECK: "off" });
    work = await mkdtemp(join(tmpdir(), "gitsync-ui-push-"));
  });
  afterAll(async () => {
    await ui?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("shows the findings on the overview and in the history, until a later push applies", async () => {
    await ui.server.app.sync.idle();
    const checkout = join(work, "demo");
    git(work, ["clone", "-q", join(ui.server.dataDir, "repos", "demo.git"), checkout]);
    await writeFile(join(checkout, "syncs", "broken.yaml"), "model: nowhere\ndestination: crm\nconfig: {}\nschedule: null\nschedulePaused: false\n");
    git(checkout, ["add", "-A"]);
    git(checkout, ["commit", "-qm", "A broken sync"]);
    await push(checkout);
    await ui.server.app.sync.idle();

    const page = await ui.page();
    await signIn(page, ui.server.url);
    const alert = page.getByTestId("last-push-refused");
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain("Last push refused");
    expect(text).toContain("syncs/broken.yaml:1:8");
    expect(text).toContain("error missing-reference: model 'nowhere' named by field 'model' does not exist");

    await page.getByRole("link", { name: "Refused pushes in the history" }).click();
    const row = page.locator('table.history tbody tr[data-direction="INBOUND"][data-status="failed"]').first();
    await row.waitFor();
    expect(await row.locator("ul.findings").innerText()).toContain("syncs/broken.yaml:1:8");

    git(checkout, ["rm", "-q", "syncs/broken.yaml"]);
    git(checkout, ["commit", "-qm", "Remove the broken sync"]);
    await push(checkout);
    await ui.server.app.sync.idle();
    await page.goto(`${ui.server.url}/`);
    await page.getByRole("heading", { level: 1, name: "Tenant demo" }).waitFor();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.getByText("Changes waiting").waitFor();
    expect(await page.getByTestId("last-push-refused").count()).toBe(0);
    await page.close();
  });
});
