import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushAsync } from "../helpers/working-copy.js";
import { api, signIn, skipReason, startUi, type UiFixture } from "./browser.js";

const reason = skipReason();
if (reason) console.warn(reason);

const bob = { name: "Bob", email: "bob@example.com" };

describe.skipIf(reason !== null)("a refused merge in Chromium", () => {
  let ui: UiFixture;
  let work: string;

  beforeAll(async () => {
    ui = await startUi();
    const bare = join(ui.server.dataDir, "repos", "demo.git");
    // The demo tenant's first commit is its first outbound sync, just after start.
    const hasMain = () => {
      try {
        return execFileSync("git", ["--git-dir", bare, "rev-parse", "--verify", "-q", "refs/heads/main"], { stdio: "pipe" }).length > 0;
      } catch {
        return false;
      }
    };
    for (const deadline = Date.now() + 20_000; !hasMain(); ) {
      if (Date.now() > deadline) throw new Error("the demo tenant's first commit did not come");
      await new Promise((r) => setTimeout(r, 100));
    }
    work = await mkdtemp(join(tmpdir(), "gitsync-ui-work-"));
    execFileSync("git", ["clone", "-q", bare, work]);
  });
  afterAll(async () => {
    await ui?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("disables Merge on a pull request whose check failed and lists the reasons", async () => {
    const env = { ...process.env, GIT_AUTHOR_NAME: bob.name, GIT_AUTHOR_EMAIL: bob.email, GIT_COMMITTER_NAME: bob.name, GIT_COMMITTER_EMAIL: bob.email };
    const git = (...args: string[]) => execFileSync("git", args, { cwd: work, env });
    git("checkout", "-qb", "broken");
    await writeFile(join(work, "models", "broken.yaml"), "name: broken\ntype: table\n");
    git("add", "-A");
    git("commit", "-qm", "A broken model");
    await pushAsync(work, "broken", bob);
    const opened = await api(ui.server, "POST", "/tenants/demo/pulls", { head: "broken" });
    expect(opened.status).toBe(201);
    const n = opened.body.pull.number as number;

    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.goto(`${ui.server.url}/#/t/demo/pulls/${n}`);
    const merge = page.getByRole("button", { name: "Merge pull request" });
    await merge.waitFor();
    expect(await merge.isDisabled()).toBe(true);
    const blockers = page.locator("#merge-blockers");
    expect(await blockers.innerText()).toContain("This pull request cannot be merged yet");
    expect(await blockers.getByRole("listitem").innerText()).toMatch(/^the check gitsync failed: \d+ error\(s\) in the configuration/);
    // The button names what explains it, for screen readers too.
    expect(await merge.getAttribute("aria-describedby")).toBe("merge-blockers");
    expect((await api(ui.server, "GET", `/tenants/demo/pulls/${n}`)).body.pull.state).toBe("open");
    await page.close();
  });
});
