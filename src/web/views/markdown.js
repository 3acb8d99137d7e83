import { html } from "htm/preact";
import { renderMarkdown } from "../markdown.js";

/**
 * Markdown shown as a forge shows it. The HTML comes from the sanitising renderer only.
 * @param {{ text: string, label?: string }} props
 */
export function Markdown({ text, label }) {
  return html`<div class="markdown" aria-label=${label} dangerouslySetInnerHTML=${{ __html: renderMarkdown(text) }}></div>`;
}
