import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headOf } from "../providers/git/git-servers.js";
import { sshdMissing, startSshGitServer, type SshGitServer } from "../providers/git/sshd.js";
import { api, signIn, skipReason, startUi, type UiFixture } from "./browser.js";

const reason = skipReason() ?? sshdMissing();
if (reason) console.warn(reason);

describe.skipIf(reason !== null)("setting up a plain git server over SSH in the browser", () => {
  let ui: UiFixture;
  let sshd: SshGitServer;

  beforeAll(async () => {
    sshd = await startSshGitServer();
    ui = await startUi();
    await api(ui.server, "POST", "/tenants", { slug: "plain", name: "Plain" });
  });
  afterAll(async () => {
    await ui?.stop();
    await sshd?.close();
  });

  it("saves an SSH connection with its key write-only, shows the host key, accepts it and passes the test", async () => {
    const bare = sshd.create("config");
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.goto(`${ui.server.url}/#/t/plain/settings`);
    await page.getByRole("heading", { level: 1, name: "Git settings" }).waitFor();

    await page.getByLabel("Provider", { exact: true }).selectOption("git");
    await page.getByLabel("Repository").fill(sshd.url("config"));
    await page.getByLabel("Sign-in").selectOption("ssh-key");
    await page.getByLabel("Private key (OpenSSH or PEM)").fill(sshd.clientKey);
    await page.getByLabel("Poll interval (s)").fill("0");
    await page.getByLabel("Webhook secret").fill("browser-webhook-secret-123");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor().catch(async (error: unknown) => {
      throw new Error(`not saved: ${await page.locator("form.settings").innerText()}`, { cause: error });
    });
    expect(await page.content()).not.toContain("PRIVATE KEY");
    const saved = (await api(ui.server, "GET", "/tenants/plain/git")).body;
    expect(saved).toMatchObject({ provider: "git", hasToken: true, hasWebhookSecret: true, remote: { auth: "ssh-key", hostKey: null, pollIntervalSeconds: 0 } });

    await page.getByRole("button", { name: "Test connection" }).click();
    const accept = page.getByRole("button", { name: /Accept host key SHA256:/ });
    await accept.waitFor();
    page.once("dialog", (dialog) => void dialog.accept());
    await accept.click();
    // Accepting re-runs the test: every step passes now.
    await expect.poll(async () => page.locator("ul.checks li.bad").count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(async () => page.locator("ul.checks li.ok").count(), { timeout: 20_000 }).toBe(5);
    const pinned = (await api(ui.server, "GET", "/tenants/plain/git")).body;
    expect(pinned.remote.hostKey).toBe(sshd.hostKey);

    // The first app write lands on the SSH server.
    await api(ui.server, "POST", "/tenants/plain/connections", { name: "warehouse", type: "postgres" });
    await api(ui.server, "PUT", "/tenants/plain/resources/models/orders", {
      name: "orders", source: "warehouse", type: "table", dbtModel: null, tableName: "public.orders", isSchema: false, primaryKey: "id",
    });
    await ui.server.app.sync.idle();
    await expect.poll(() => headOf(bare, "main"), { timeout: 20_000 }).not.toBeNull();
    await page.close();
  }, 90_000);
});
