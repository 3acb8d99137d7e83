import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import { explain } from "../errors.js";
/** @import { ComponentChildren } from "preact" */
/** @import { Api } from "../api.js" */
/** @import { Me, Role } from "../types.js" */

/**
 * @typedef {{ kind: "success" | "error" | "info", text: string,
 *   link?: { href: string, label: string, external?: boolean }, lines?: string[] }} NoticeInput
 */

/**
 * What every view gets: the API of this session, who is signed in, and a way to notify.
 * @typedef {{ api: Api, me: Me, role: Role, notify: (notice: NoticeInput) => void }} Ctx
 */

/**
 * A view's title; it takes focus when the view opens so keyboard and screen reader users land there.
 * @param {{ children: ComponentChildren }} props
 */
export function Title({ children }) {
  const ref = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}

/** @param {{ error: unknown, doing?: string }} props */
export function ErrorBox({ error, doing }) {
  const { summary, lines } = explain(error, doing);
  return html`<div class="error" role="alert">
    <p>${summary}</p>
    ${lines.length > 0 ? html`<ul>${lines.map((line) => html`<li>${line}</li>`)}</ul>` : null}
  </div>`;
}

/** @param {{ what: string }} props */
export function Loading({ what }) {
  return html`<p class="muted" role="status">Loading ${what}…</p>`;
}

/**
 * A table that scrolls sideways on narrow screens, reachable and named for keyboard users.
 * @param {{ label: string, children: ComponentChildren }} props
 */
export function TableRegion({ label, children }) {
  return html`<div class="table-scroll" role="region" aria-label=${label} tabindex="0">${children}</div>`;
}

/** @param {{ value: string }} props */
export function Badge({ value }) {
  return html`<span class=${`badge badge-${value.toLowerCase()}`}>${value}</span>`;
}
