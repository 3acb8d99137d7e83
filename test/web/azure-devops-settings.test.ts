import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN, WEBHOOK } from "../contract/azure-devops-replies.js";
import { startAzureStandIn, type AzureStandIn } from "../helpers/azure-devops-server.js";
import { api, signIn, skipReason, startUi, type UiFixture } from "./browser.js";

/*
 * An admin points the demo tenant at Azure DevOps Server from the settings page (a loopback
 * stand-in for the collection), is told in words when the repository is not
 * organization/project/repository, and "Test connection" reports the push rights Azure grants.
 */

const reason = skipReason();

describe.skipIf(reason !== null)("Azure DevOps on the settings page", () => {
  let ui: UiFixture;
  let azure: AzureStandIn;

  beforeAll(async () => {
    azure = await startAzureStandIn();
    await azure.harness.seed({ "README.md": "# config\n" });
    ui = await startUi({ AZURE_DEVOPS_WEBHOOK_USER: WEBHOOK.user, AZURE_DEVOPS_WEBHOOK_PASSWORD: WEBHOOK.password });
  }, 120_000);
  afterAll(async () => {
    await ui?.stop();
    await azure?.close();
  });

  it("saves an Azure DevOps connection and tests it", async () => {
    const page = await ui.page();
    await signIn(page, ui.server.url);
    await page.getByRole("link", { name: "Git settings" }).click();
    await page.getByRole("heading", { level: 1, name: "Git settings" }).waitFor();

    await page.getByLabel("Provider", { exact: true }).selectOption("azure-devops");
    expect(await page.locator("#token-hint").innerText()).toContain("Code (Read & write)");
    await page.getByLabel("Repository").fill("acme/config");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("organization/project/repository");

    await page.getByLabel("Repository").fill("acme/Data Platform/config");
    await page.getByLabel("Base URL").fill(azure.collection);
    await page.getByLabel("Provider token").fill(TOKEN);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect(await page.content()).not.toContain(TOKEN);
    expect((await api(ui.server, "GET", "/tenants/demo/git")).body).toMatchObject({
      provider: "azure-devops",
      repository: "acme/Data Platform/config",
      baseUrl: azure.collection,
      hasToken: true,
    });

    await page.getByRole("button", { name: "Test connection" }).click();
    const checks = page.locator("ul.checks");
    await expect.poll(() => checks.innerText()).toContain("may push to main");
    expect(await checks.innerText()).toContain("branch main is at");
    expect(azure.harness.violations).toEqual([]);
    await page.close();
  });
});
