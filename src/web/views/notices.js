import { html } from "htm/preact";
/** @import { NoticeInput } from "./common.js" */

/** @typedef {NoticeInput & { id: number }} Notice */

/**
 * Notifications stay until dismissed; the region is always there so new ones are announced.
 * @param {{ notices: Notice[], onDismiss: (id: number) => void }} props
 */
export function Notices({ notices, onDismiss }) {
  return html`<div class="notices" aria-live="polite">
    ${notices.map(
      (n) => html`<div class=${`notice notice-${n.kind}`} key=${n.id} role=${n.kind === "error" ? "alert" : "status"}>
        <p>
          ${n.text}
          ${n.link
            ? html` <a href=${n.link.href} ...${n.link.external ? { target: "_blank", rel: "noopener noreferrer" } : {}}>${n.link.label}</a>`
            : null}
        </p>
        ${n.lines && n.lines.length > 0 ? html`<ul>${n.lines.map((line) => html`<li>${line}</li>`)}</ul>` : null}
        <button type="button" class="link" onClick=${() => onDismiss(n.id)}>Dismiss</button>
      </div>`,
    )}
  </div>`;
}
