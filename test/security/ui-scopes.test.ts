import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, signIn, skipReason, startUi, type UiFixture } from "../web/browser.js";

const reason = skipReason();
if (reason) console.warn(reason);

/** The UI follows the API: a scoped token sees only its tenants, and acts with its role in the one shown. */
describe.skipIf(reason !== null)("the web UI with a token scoped to tenants", () => {
  let ui: UiFixture;
  let token: string;

  beforeAll(async () => {
    ui = await startUi();
    for (const slug of ["dev", "prod"]) expect((await api(ui.server, "POST", "/tenants", { slug, name: slug.toUpperCase() })).status).toBe(201);
    const created = await api(ui.server, "POST", "/tokens", {
      label: "scoped-ui",
      tenants: { dev: "admin", prod: "viewer" },
      user: { name: "Scoped", email: "scoped-ui@example.com" },
    });
    token = created.body.secret;
  });
  afterAll(async () => {
    await ui?.stop();
  });

  it("lists only the granted tenants and shows admin pages only where the token is admin", async () => {
    const page = await ui.page();
    await signIn(page, ui.server.url, token);
    const options = await page.locator("#tenant-select option").allInnerTexts();
    expect(options).toEqual(["DEV (dev)", "PROD (prod)"]);

    await page.evaluate("location.hash = '#/t/dev'");
    await page.getByRole("heading", { level: 1, name: "Tenant dev" }).waitFor();
    await expect.poll(() => page.locator("header .role").innerText()).toBe("admin");
    expect(await page.getByRole("link", { name: "Git settings" }).count()).toBe(1);

    await page.evaluate("location.hash = '#/t/prod'");
    await page.getByRole("heading", { level: 1, name: "Tenant prod" }).waitFor();
    await expect.poll(() => page.locator("header .role").innerText()).toBe("viewer");
    expect(await page.getByRole("link", { name: "Git settings" }).count()).toBe(0);

    // The demo tenant exists but is not granted: the page says not found, as for any unknown tenant.
    await page.evaluate("location.hash = '#/t/demo'");
    await expect.poll(() => page.locator("main").innerText()).toMatch(/no tenant demo/i);
    await page.close();
  });
});
