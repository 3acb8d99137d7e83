import MarkdownIt from "markdown-it";

/**
 * The one Markdown renderer of the UI (check summaries, pull request comments, plans). Raw HTML
 * in the source is shown as text (`html: false`) and markdown-it refuses unsafe link schemes
 * (javascript:, vbscript:, file:, most data:), so a summary quoting a hostile file name or a
 * comment written by anyone cannot run script in the page.
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** The marker gitsync writes to find its own comment: for machines, never shown. */
const MARKER = /<!--\s*gitsync\s*-->\s*/g;

/** @param {string} text */
export function withoutMarker(text) {
  return text.replace(MARKER, "").trim();
}

/** Safe HTML for a Markdown text. @param {string} text */
export function renderMarkdown(text) {
  return md.render(withoutMarker(text));
}
