import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { Api, ApiError } from "../api.js";
import { ErrorBox, Title } from "./common.js";
/** @import { Me } from "../types.js" */

/**
 * Asks for an API token and checks it with `GET /api/v1/me` before keeping it.
 * @param {{ onSignedIn: (token: string, me: Me) => void, reason: string | null }} props
 */
export function SignIn({ onSignedIn, reason }) {
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));

  /** @param {Event} event */
  const submit = async (event) => {
    event.preventDefault();
    const value = token.trim();
    if (value === "") {
      setError(new ApiError(400, "bad_request", "enter an API token"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = /** @type {Me} */ (await new Api(value).get("/me"));
      onSignedIn(value, me);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? new ApiError(400, "bad_request", "that token is not known or was revoked: check it and try again")
          : failure,
      );
      setBusy(false);
    }
  };

  return html`<main id="main" class="sign-in">
    <${Title}>Sign in to gitsync<//>
    <p>Use an API token. An admin creates tokens; the first admin token is printed when the server starts for the first time.</p>
    ${reason ? html`<p class="info" role="status">${reason}</p>` : null}
    <form onSubmit=${submit} novalidate>
      <label for="token">API token</label>
      <input
        id="token"
        name="token"
        type="password"
        autocomplete="off"
        spellcheck=${false}
        value=${token}
        onInput=${(/** @type {Event} */ e) => setToken(/** @type {HTMLInputElement} */ (e.target).value)}
        aria-describedby="token-help"
        aria-invalid=${error ? "true" : "false"}
        required
      />
      <p id="token-help" class="hint">Kept in this browser tab only, until you sign out or close it.</p>
      ${error ? html`<${ErrorBox} error=${error} />` : null}
      <button type="submit" disabled=${busy}>${busy ? "Signing in…" : "Sign in"}</button>
    </form>
  </main>`;
}
