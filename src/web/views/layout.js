import { html } from "htm/preact";
import { atLeast } from "../format.js";
import { href } from "../route.js";
/** @import { ComponentChildren } from "preact" */
/** @import { Place } from "../route.js" */
/** @import { Tenant } from "../types.js" */
/** @import { Ctx } from "./common.js" */

/** @param {Event} event */
const skipToMain = (event) => {
  // A plain #main link would change the hash, which is the page's address.
  event.preventDefault();
  document.getElementById("main")?.focus();
};

/**
 * The frame around every signed-in view: tenant choice, who is signed in, the tenant's pages.
 * @param {{ ctx: Ctx, place: Place, tenants: Tenant[], onSignOut: () => void, children: ComponentChildren }} props
 */
export function Layout({ ctx, place, tenants, onSignOut, children }) {
  const tenant = "tenant" in place ? place.tenant : null;
  /** @type {{ views: Place["view"][], label: string, to: string[] }[]} */
  const links = [
    { views: ["overview"], label: "Overview", to: [] },
    { views: ["history"], label: "Sync history", to: ["history"] },
    { views: ["pulls", "pull"], label: "Pull requests", to: ["pulls"] },
  ];
  if (atLeast(ctx.role, "admin")) {
    links.push({ views: ["import"], label: "Import", to: ["import"] }, { views: ["settings"], label: "Git settings", to: ["settings"] });
  }

  return html`<a class="skip" href="#main" onClick=${skipToMain}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/">gitsync</a>
      ${tenants.length > 0
        ? html`<div class="tenant-pick">
            <label for="tenant-select">Tenant</label>
            <select
              id="tenant-select"
              value=${tenant ?? ""}
              onChange=${(/** @type {Event} */ e) => (location.hash = href(/** @type {HTMLSelectElement} */ (e.target).value))}
            >
              ${tenant === null ? html`<option value="" disabled>Choose…</option>` : null}
              ${tenants.map((t) => html`<option value=${t.slug}>${t.name} (${t.slug})</option>`)}
            </select>
          </div>`
        : null}
      <div class="who">
        <span><span class="sr-only">Signed in as </span>${ctx.me.user.name} <span class="role">${ctx.role}</span></span>
        <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button>
      </div>
    </header>
    ${tenant !== null
      ? html`<nav class="tabs" aria-label="Tenant pages">
          <ul>
            ${links.map(
              (l) => html`<li>
                <a href=${href(tenant, ...l.to)} aria-current=${l.views.includes(place.view) ? "page" : undefined}>${l.label}</a>
              </li>`,
            )}
          </ul>
        </nav>`
      : null}
    <main id="main" tabindex="-1">${children}</main>`;
}
