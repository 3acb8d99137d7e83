import { ApiError } from "./api.js";

/** @typedef {{ summary: string, lines: string[] }} Explained An error told in words, with a few specifics. */

/** @param {string} text */
const capital = (text) => (text === "" ? text : (text[0] ?? "").toUpperCase() + text.slice(1));
/** @param {string} text */
const sentence = (text) => capital(/[.!?…]$/.test(text) ? text : `${text}.`);

/** @type {Record<number, string>} */
const LEAD = {
  0: "The server could not be reached. Check your connection and try again.",
  401: "Your token is not valid any more. Sign in again.",
  403: "Your role does not allow this.",
  404: "Not found.",
  409: "That conflicts with the current state.",
  412: "Someone changed this meanwhile. Reload and try again.",
  413: "That is too large for the server.",
  502: "The git provider did not answer as expected.",
};

/** @param {any} details @returns {string[]} */
function detailLines(details) {
  /** @type {string[]} */
  const out = [];
  if (Array.isArray(details?.fields)) {
    for (const f of details.fields) {
      if (typeof f?.message === "string") out.push(typeof f.field === "string" && f.field !== "" ? `${f.field}: ${f.message}` : f.message);
    }
  }
  if (Array.isArray(details?.diagnostics)) {
    for (const d of details.diagnostics) {
      if (typeof d?.message === "string") out.push(`${String(d.file ?? "")}${d.line ? ` line ${String(d.line)}` : ""}: ${d.message}`);
    }
  }
  // A refused merge's reasons (a failed, running or stale check).
  if (Array.isArray(details?.reasons)) for (const r of details.reasons) if (typeof r === "string") out.push(r);
  return out;
}

/**
 * Any failure as words for a person: never raw JSON, never a stack. The server's own message is
 * already a sentence for people; internal errors (500) say nothing more than that they happened.
 * @param {unknown} error
 * @param {string} [doing] what was being done, as in "saving the git connection"
 * @returns {Explained}
 */
export function explain(error, doing) {
  const prefix = doing ? `${capital(doing)} failed. ` : "";
  if (error instanceof ApiError) {
    if (error.code === "merge_conflict") {
      return { summary: `${prefix}The pull request cannot be merged: ${sentence(error.message)}`, lines: [] };
    }
    const lead = LEAD[error.status] ?? (error.status >= 500 ? "The server had a problem." : "The request was not accepted.");
    const quiet = error.status === 0 || error.status === 401 || (error.status >= 500 && error.status !== 502);
    return { summary: `${prefix}${lead}${quiet ? "" : ` ${sentence(error.message)}`}`, lines: detailLines(error.details) };
  }
  return { summary: `${prefix}Something went wrong in the page. Reload and try again.`, lines: [] };
}

/**
 * The per-field messages of a 400, by field name, for showing next to inputs.
 * @param {unknown} error
 * @returns {Record<string, string>}
 */
export function fieldErrors(error) {
  /** @type {Record<string, string>} */
  const out = {};
  if (!(error instanceof ApiError)) return out;
  const fields = /** @type {any} */ (error.details)?.fields;
  if (!Array.isArray(fields)) return out;
  for (const f of fields) {
    if (typeof f?.field === "string" && typeof f.message === "string") out[f.field] = f.message;
  }
  return out;
}
